"""Head-ablation goldens for `bertscope predict --ablate` and `nsp --ablate`:
the committed tiny checkpoints loaded with transformers, each listed head's
context zeroed before the attention output projection (what transformers
4.x's head_mask did; 5.x dropped the argument, so a forward pre-hook on the
projection does it), top-5 masked predictions and NSP probabilities written
to each model folder's ablation_goldens.json.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_ablation_goldens.py
(run by generate.sh after make_fixtures.py)
"""
import json
import os
import sys

import torch
import transformers
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ABLATE = "1.2,2.4,3.1"
MODELS = ["tiny-bert-pretraining", "tiny-bert-mlm-f16", "tiny-distilbert-mlm", "tiny-electra-generator", "tiny-roberta-mlm",
          "tiny-albert-pretraining", "tiny-deberta-v3-mlm", "tiny-deberta-v2-mlm", "tiny-xlm-roberta-mlm", "tiny-camembert-mlm"]


def projections(model):
    """The attention output projection of every layer, in layer order (ALBERT: one shared module per group)."""
    mt = model.config.model_type
    if mt == "distilbert":
        return [l.attention.out_lin for l in model.distilbert.transformer.layer]
    if mt == "albert":
        return None
    base = getattr(model, model.base_model_prefix)
    if mt == "modernbert":
        return [l.attn.Wo for l in base.layers]
    return [l.attention.output.dense for l in base.encoder.layer]


def teaching_sentences():
    """Samples/teaching.txt as SampleSets.parse reads it: the A text of every line."""
    out = []
    for raw in open(os.path.join(HERE, "..", "..", "Samples", "teaching.txt"), encoding="utf-8"):
        line = raw.strip(" \t\n")
        if not line or line.startswith("#"):
            continue
        out.append(line.split(" || ")[0])
    return out


def head_means(model, tok):
    """Each layer's mean context vector (d) over all tokens of the teaching sentences, intact model."""
    cfg = model.config
    layers = cfg.num_hidden_layers if hasattr(cfg, "num_hidden_layers") else cfg.n_layers
    sums, count = [None] * layers, [0]
    def capture(layer):
        def hook(module, args):
            x = args[0][0].double()
            sums[layer] = x.sum(0) if sums[layer] is None else sums[layer] + x.sum(0)
        return hook
    mods = projections(model)
    if mods is None:
        state = {"calls": 0}
        shared = model.albert.encoder.albert_layer_groups[0].albert_layers[0].attention.dense
        def albert(module, args):
            layer = state["calls"] % layers
            state["calls"] += 1
            return capture(layer)(module, args)
        handles = [shared.register_forward_pre_hook(albert)]
    else:
        handles = [m.register_forward_pre_hook(capture(i)) for i, m in enumerate(mods)]
    for text in teaching_sentences():
        enc = tok(text, return_tensors="pt")
        if not getattr(model.config, "type_vocab_size", 0):
            enc.pop("token_type_ids", None)
        with torch.no_grad():
            model(**enc)
        count[0] += enc["input_ids"].shape[1]
    for h in handles:
        h.remove()
    return [(s / count[0]).float() for s in sums]


def hooked(model, heads, means=None):
    """Registers pre-hooks zeroing `heads` ((layer, head), 0-based), or setting them to `means`; returns the handles."""
    cfg = model.config
    dh = cfg.hidden_size // cfg.num_attention_heads if hasattr(cfg, "num_attention_heads") else cfg.dim // cfg.n_heads
    def zero(layer):
        def hook(module, args):
            x = args[0].clone()
            for l, h in heads:
                if l == layer:
                    x[..., h * dh:(h + 1) * dh] = 0 if means is None else means[l][h * dh:(h + 1) * dh]
            return (x,) + tuple(args[1:])
        return hook
    mods = projections(model)
    if mods is not None:
        return [m.register_forward_pre_hook(zero(i)) for i, m in enumerate(mods)]
    # ALBERT: the shared layer runs once per layer, in order; count the runs.
    assert cfg.num_hidden_groups == 1 and cfg.inner_group_num == 1
    state = {"calls": 0}
    shared = model.albert.encoder.albert_layer_groups[0].albert_layers[0].attention.dense
    def albert(module, args):
        layer = state["calls"] % cfg.num_hidden_layers
        state["calls"] += 1
        return zero(layer)(module, args)
    return [shared.register_forward_pre_hook(albert)]


def tokenizer_for(d, model):
    if os.path.exists(os.path.join(d, "spm-tokenizer")) or not os.path.exists(os.path.join(d, "vocab.txt")):
        roberta = model.config.model_type in ("xlm-roberta", "camembert", "roberta")
        if model.config.model_type in ("roberta", "modernbert"):
            return transformers.AutoTokenizer.from_pretrained(d)
        return transformers.PreTrainedTokenizerFast(
            tokenizer_file=os.path.join(d, "tokenizer.json"), mask_token="<mask>" if roberta else "[MASK]",
            cls_token="<s>" if roberta else "[CLS]", sep_token="</s>" if roberta else "[SEP]", pad_token="<pad>", unk_token="<unk>")
    return transformers.AutoTokenizer.from_pretrained(d)


def load_model(d):
    """A committed fixture as its config's architecture (eager attention, float32) and its tokenizer."""
    cls = getattr(transformers, json.load(open(os.path.join(d, "config.json")))["architectures"][0])
    model = cls.from_pretrained(d, attn_implementation="eager").eval().float()
    return model, tokenizer_for(d, model)


def predictions(model, tok, text):
    enc = tok(text, return_tensors="pt")
    if not getattr(model.config, "type_vocab_size", 0):
        enc.pop("token_type_ids", None)
    with torch.no_grad():
        res = model(**enc)
    logits = res.prediction_logits if hasattr(res, "prediction_logits") else res.logits
    out = []
    for pos in (enc["input_ids"][0] == tok.mask_token_id).nonzero()[:, 0].tolist():
        top = logits[0, pos].softmax(-1).topk(5)
        out.append({"position": pos, "predictions": [{"id": int(i), "probability": float(v)} for v, i in zip(top.values, top.indices)]})
    return out


def main():
    heads = [(int(l) - 1, int(h) - 1) for l, h in (x.split(".") for x in ABLATE.split(","))]
    for name in MODELS:
        d = os.path.join(HERE, "models", name)
        model, tok = load_model(d)
        intact = json.load(open(os.path.join(d, "cli_goldens.json")))
        out = {"versions": {"torch": torch.__version__, "transformers": transformers.__version__}, "ablate": ABLATE, "predict": [], "nsp": [],
               "predict_mean": []}
        means = head_means(model, tok)
        for case in intact["predict"]:
            # The load path reproduces the committed intact goldens before any head is ablated.
            got = predictions(model, tok, case["text"])
            assert [p["id"] for m in got for p in m["predictions"]] == [p["id"] for m in case["masks"] for p in m["predictions"]], name
            handles = hooked(model, heads)
            out["predict"].append({"text": case["text"], "masks": predictions(model, tok, case["text"])})
            for h in handles:
                h.remove()
            # Mean ablation: each head's output is its mean over the teaching sentences.
            handles = hooked(model, heads, means)
            out["predict_mean"].append({"text": case["text"], "masks": predictions(model, tok, case["text"])})
            for h in handles:
                h.remove()
        for case in intact.get("nsp", []):
            enc = tok(case["a"], case["b"], return_tensors="pt", return_token_type_ids=True)
            handles = hooked(model, heads)
            with torch.no_grad():
                res = model(**enc)
            for h in handles:
                h.remove()
            p = (res.sop_logits if hasattr(res, "sop_logits") else res.seq_relationship_logits)[0].softmax(-1)
            out["nsp"].append({"a": case["a"], "b": case["b"], "is_next": float(p[0]), "not_next": float(p[1])})
        with open(os.path.join(d, "ablation_goldens.json"), "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=True, separators=(",", ":"))
            f.write("\n")
        print(name, "ok", len(out["predict"]), "texts", len(out["nsp"]), "pairs")


if __name__ == "__main__":
    sys.exit(main())
