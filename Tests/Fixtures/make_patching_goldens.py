"""Activation-patching goldens for `bertscope patch`, with PyTorch hooks on
the committed tiny checkpoints: for every hidden state l (the input of layer
l; l = L the last layer's output) and position i, the clean sentence run with
that vector from the counterfactual run; for every head, its context (the
input of the attention output projection) from the counterfactual. Effects
on the logit difference A - B (A: the clean top answer; B: the
counterfactual's, or the clean runner-up when they agree), normalised to
0 = clean, 1 = counterfactual. Written to patching_goldens.json.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_patching_goldens.py   (run by generate.sh)
"""
import json
import os
import sys

import torch
import transformers

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_ablation_goldens import load_model, projections  # noqa: E402
from make_task_heads import inputs  # noqa: E402

CASES = {
    "tiny-bert-pretraining": ("he said [MASK] was here", "she said [MASK] was here"),
    "tiny-distilbert-mlm": ("he said [MASK] was here", "she said [MASK] was here"),
    "tiny-roberta-mlm": ("The cat sat on the <mask> and the dog barked.", "The dog sat on the <mask> and the cat barked."),
    "heads/bert-sequence": ("he was not at the one", "she was not at the one"),
    "heads/electra-sequence": ("he was not at the one", "she was not at the one"),
}


def layers(model):
    mt = model.config.model_type
    if mt == "distilbert":
        return list(model.distilbert.transformer.layer)
    return list(getattr(model, model.base_model_prefix).encoder.layer)


def main():
    for name, (text, cf_text) in CASES.items():
        d = os.path.join(HERE, "models", name)
        model, tok = load_model(d)
        clean, _, _ = inputs(model, tok, text)
        cf, _, _ = inputs(model, tok, cf_text)
        assert clean["input_ids"].shape == cf["input_ids"].shape, name
        n = clean["input_ids"].shape[1]
        mods, L = layers(model), len(layers(model))
        masked = tok.mask_token_id is not None and bool((clean["input_ids"][0] == tok.mask_token_id).any()) \
            and "sequence" not in name
        pos = int((clean["input_ids"][0] == tok.mask_token_id).nonzero()[0, 0]) if masked else None

        def logits(enc):
            with torch.no_grad():
                res = model(**enc)
            out = res.prediction_logits if hasattr(res, "prediction_logits") else res.logits
            return out[0, pos] if masked else out[0]

        # Every layer's input on the counterfactual (and its last output), and every context.
        cf_hidden, cf_context = [None] * (L + 1), [None] * L
        def keep_input(l):
            def hook(module, args, kwargs):
                h = args[0] if args else kwargs["hidden_states"]
                cf_hidden[l] = h.detach().clone()
            return hook
        def keep_output(module, args, output):
            cf_hidden[L] = (output[0] if isinstance(output, tuple) else output).detach().clone()
        def keep_context(l):
            def hook(module, args):
                cf_context[l] = args[0].detach().clone()
            return hook
        handles = [m.register_forward_pre_hook(keep_input(l), with_kwargs=True) for l, m in enumerate(mods)]
        handles.append(mods[-1].register_forward_hook(keep_output))
        handles += [p.register_forward_pre_hook(keep_context(l)) for l, p in enumerate(projections(model))]
        cf_logits = logits(cf)
        for h in handles:
            h.remove()
        clean_logits = logits(clean)
        a = int(clean_logits.argmax())
        order = cf_logits.argsort(descending=True).tolist()
        b = next((x for x in order if x != a), None)
        metric = lambda lg: float(lg[a] - lg[b])  # noqa: E731
        base, top = metric(clean_logits), metric(cf_logits)

        effect = []
        for l in range(L + 1):
            row = []
            for i in range(n):
                def patch_input(module, args, kwargs, l=l, i=i):
                    if args:
                        h = args[0].clone()
                        h[0, i] = cf_hidden[l][0, i]
                        return (h,) + tuple(args[1:]), kwargs
                    h = kwargs["hidden_states"].clone()
                    h[0, i] = cf_hidden[l][0, i]
                    kwargs["hidden_states"] = h
                    return args, kwargs
                def patch_output(module, args, output, i=i):
                    h = (output[0] if isinstance(output, tuple) else output).clone()
                    h[0, i] = cf_hidden[L][0, i]
                    return (h,) + tuple(output[1:]) if isinstance(output, tuple) else h
                hd = (mods[l].register_forward_pre_hook(patch_input, with_kwargs=True) if l < L
                      else mods[-1].register_forward_hook(patch_output))
                row.append((metric(logits(clean)) - base) / (top - base))
                hd.remove()
            effect.append(row)
        cfg = model.config
        H = cfg.num_attention_heads if hasattr(cfg, "num_attention_heads") else cfg.n_heads
        dh = (cfg.hidden_size if hasattr(cfg, "hidden_size") else cfg.dim) // H
        heads = []
        for l, proj in enumerate(projections(model)):
            row = []
            for h in range(H):
                def patch_head(module, args, l=l, h=h):
                    x = args[0].clone()
                    x[..., h * dh:(h + 1) * dh] = cf_context[l][..., h * dh:(h + 1) * dh]
                    return (x,) + tuple(args[1:])
                hd = proj.register_forward_pre_hook(patch_head)
                row.append((metric(logits(clean)) - base) / (top - base))
                hd.remove()
            heads.append(row)
        out = {"versions": {"torch": torch.__version__, "transformers": transformers.__version__},
               "text": text, "counterfactual": cf_text, "a": a, "b": b, "position": pos, "clean": base,
               "counterfactual_value": top, "effect": effect, "heads": heads}
        with open(os.path.join(d, "patching_goldens.json"), "w", encoding="utf-8") as f:
            json.dump(out, f)
            f.write("\n")
        print(name, "ok", f"A={a} B={b}", f"{base:.3f} -> {top:.3f}")


if __name__ == "__main__":
    sys.exit(main())
