"""Goldens for the numbers the attention arithmetic (`x`) and the layer
anatomy (`A`) show (#28), captured by forward hooks inside transformers'
own eager forward on the committed tiny checkpoints (float32, as run):

  query, key, value   (L, n, d)    outputs of each layer's q/k/v projections
  scores, probs       (L, H, n, n) the softmax's input (scaled, masked,
                                   DeBERTa's position terms added) and output
  context             (L, n, d)    the heads' context vectors (input of the attention output dense)
  attention_out       (L, n, d)    the attention output dense (before the residual)
  attention_ln_in/out (L, n, d)    the attention LayerNorm's input and output
  ffn_act             (L, n, ff)   the FFN's activations (input of the down projection)
  ffn_out             (L, n, d)    the FFN down projection's output
  output_ln_in/out    (L, n, d)    the output LayerNorm's input and output
  embedding_ln_in/out (n, e)       the embedding LayerNorm's input and output
  hidden_0            (n, d)       the encoder's input (ALBERT: after the projection)

Writes intermediate_goldens.safetensors (+ .json with the text, ids and the
LayerNorms' gamma/beta means) beside each model.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_intermediate_goldens.py   (run by generate.sh)
"""
import json
import os
import sys

import torch
import transformers
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_ablation_goldens import load_model  # noqa: E402
from make_task_heads import inputs  # noqa: E402

MODELS = ["tiny-bert-pretraining", "tiny-distilbert-mlm", "tiny-roberta-mlm", "tiny-albert-pretraining",
          "tiny-deberta-v3-mlm", "tiny-deberta-v2-mlm", "tiny-electra-generator"]
TEXT = "The quick brown fox jumps over the lazy dog near the river bank, twice."


def modules(model):
    """Per layer: (q, k, v, attention output dense, attention LN, FFN down, output LN); the embedding LN."""
    mt = model.config.model_type
    if mt == "distilbert":
        base = model.distilbert
        layers = [(a.q_lin, a.k_lin, a.v_lin, a.out_lin, l.sa_layer_norm, l.ffn.lin2, l.output_layer_norm)
                  for l in base.transformer.layer for a in [l.attention]]
        return layers, base.embeddings.LayerNorm
    if mt == "albert":
        s = model.albert.encoder.albert_layer_groups[0].albert_layers[0]
        a = s.attention
        one = (a.query, a.key, a.value, a.dense, a.LayerNorm, s.ffn_output, s.full_layer_layer_norm)
        return [one] * model.config.num_hidden_layers, model.albert.embeddings.LayerNorm
    base = getattr(model, model.base_model_prefix)
    layers = []
    for l in base.encoder.layer:
        s = l.attention.self
        q, k, v = (s.query_proj, s.key_proj, s.value_proj) if mt == "deberta-v2" else (s.query, s.key, s.value)
        layers.append((q, k, v, l.attention.output.dense, l.attention.output.LayerNorm, l.output.dense,
                       l.output.LayerNorm))
    return layers, base.embeddings.LayerNorm


def capture(model, enc):
    """Runs the model once, recording every hooked tensor in call order (ALBERT's shared modules: once per
    layer). Only calls on the tokens count: DeBERTa also projects its relative position embeddings."""
    n = enc["input_ids"].shape[1]
    layers, emb_ln = modules(model)
    names = ["query", "key", "value", "attention_out", "attention_ln", "ffn_down", "output_ln"]
    outputs = {"ffn_down": "ffn_out", "attention_ln": "attention_ln_out", "output_ln": "output_ln_out"}
    got = {outputs.get(n, n): [] for n in names}
    got.update({"attention_ln_in": [], "output_ln_in": [], "ffn_act": [], "context": []})
    got["embedding_ln_in"], got["embedding_ln_out"], got["scores"], got["probs"] = [], [], [], []
    hooks, seen = [], set()

    def on_tokens(x):
        return x.dim() == 3 and x.shape[:2] == (1, n)

    def out_hook(name):
        return lambda m, args, out: got[name].append(out[0].detach().clone()) if on_tokens(args[0]) else None

    def in_hook(name):
        return lambda m, args: got[name].append(args[0][0].detach().clone()) if on_tokens(args[0]) else None

    for mods in layers:
        for name, mod in zip(names, mods):
            if id(mod) in seen:
                continue
            seen.add(id(mod))
            if name == "ffn_down":
                hooks.append(mod.register_forward_pre_hook(in_hook("ffn_act")))
            if name == "attention_out":
                hooks.append(mod.register_forward_pre_hook(in_hook("context")))
            if name.endswith("_ln"):
                hooks.append(mod.register_forward_pre_hook(in_hook(name + "_in")))
            hooks.append(mod.register_forward_hook(out_hook(outputs.get(name, name))))
    hooks.append(emb_ln.register_forward_pre_hook(in_hook("embedding_ln_in")))
    hooks.append(emb_ln.register_forward_hook(out_hook("embedding_ln_out")))
    softmax = torch.nn.functional.softmax

    def recording_softmax(x, *args, **kwargs):
        y = softmax(x, *args, **kwargs)
        if x.dim() == 4:  # the attention's (batch, heads, n, n); the heads' own softmaxes only
            got["scores"].append(x[0].detach().clone())
            got["probs"].append(y[0].detach().clone())
        return y

    torch.nn.functional.softmax = recording_softmax
    try:
        with torch.no_grad():
            res = model(**enc, output_attentions=True, output_hidden_states=True)
    finally:
        torch.nn.functional.softmax = softmax
        for h in hooks:
            h.remove()
    return got, res, layers


def main():
    for name in MODELS:
        d = os.path.join(HERE, "models", name)
        model, tok = load_model(d)
        enc, _, _ = inputs(model, tok, TEXT)
        got, res, layers = capture(model, enc)
        L = len(layers)
        got["embedding_ln_out"] = [got["embedding_ln_out"][0]]
        for key, values in got.items():
            want = 1 if key.startswith("embedding") else L
            assert len(values) == want, (name, key, len(values), want)
        # The captured softmax outputs are the attentions transformers returns.
        for l in range(L):
            assert torch.equal(got["probs"][l], res.attentions[l][0]), (name, l)
            assert torch.equal(got["output_ln_out"][l], res.hidden_states[l + 1][0]), (name, l)
        tensors = {k: torch.stack(v).float().contiguous() for k, v in got.items()}
        tensors["embedding_ln_in"] = tensors["embedding_ln_in"][0].contiguous()
        tensors["embedding_ln_out"] = tensors["embedding_ln_out"][0].contiguous()
        tensors["hidden_0"] = res.hidden_states[0][0].float().contiguous()
        _, emb_ln = modules(model)
        def mean(ln):
            return [float(ln.weight.detach().mean()), float(ln.bias.detach().mean())]
        means = {"embedding": mean(emb_ln), "attention": [mean(m[4]) for m in layers],
                 "output": [mean(m[6]) for m in layers]}
        save_file(tensors, os.path.join(d, "intermediate_goldens.safetensors"))
        with open(os.path.join(d, "intermediate_goldens.json"), "w", encoding="utf-8") as f:
            json.dump({"versions": {"torch": torch.__version__, "transformers": transformers.__version__},
                       "text": TEXT, "ids": enc["input_ids"][0].tolist(), "layer_norm_means": means}, f)
            f.write("\n")
        print(name, "ok", {k: tuple(v.shape) for k, v in tensors.items()})


if __name__ == "__main__":
    sys.exit(main())
