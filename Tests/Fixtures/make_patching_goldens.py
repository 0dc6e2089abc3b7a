"""Activation-patching goldens for `bertscope patch`, with PyTorch hooks on
the committed tiny checkpoints: for every hidden state l (the input of layer
l; l = L the last layer's output) and position i, the clean sentence run with
that vector from the counterfactual run; for every head, its context (the
input of the attention output projection) from the counterfactual. Effects
on the logit difference A - B (A: the clean top answer; B: the
counterfactual's, or the clean runner-up when they agree), normalised to
0 = clean, 1 = counterfactual. Written to patching_goldens.json.

Sentences with different token counts are patched by words (ALIGNED, to
patching_aligned_goldens.json): the words both share at the start and the end
pair in order, the words between too when both have as many, piece by piece
where the piece counts agree; other positions are not patched (null), and the
counterfactual is read at its own mask.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_patching_goldens.py [MODEL…]   (run by generate.sh)
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
    "tiny-modernbert-mlm": ("The cat sat on the [MASK] and the dog barked.",
                            "The dog sat on the [MASK] and the cat barked."),
    "tiny-modernbert-cls-mean": ("he was not at the one", "she was not at the one"),
}


# Different token counts: an inserted word, a word of another piece count.
ALIGNED = {
    "tiny-bert-pretraining": [("he said [MASK] was here", "he said that [MASK] was here"),
                              ("he said [MASK] was here", "here said [MASK] was here")],
    "tiny-roberta-mlm": [("The cat sat on the <mask>.", "The big cat sat on the <mask>.")],
    "heads/bert-sequence": [("he was not at the one", "he was at the one")],
    "tiny-modernbert-mlm": [("The cat sat on the [MASK].", "The big cat sat on the [MASK].")],
}


def word_groups(enc):
    """Runs of positions forming one word; template specials (no word id) stand alone."""
    words, seqs, groups = enc.word_ids(0), enc.sequence_ids(0), []
    for i, (w, q) in enumerate(zip(words, seqs)):
        if i > 0 and w is not None and w == words[i - 1] and q == seqs[i - 1]:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def alignment(clean, cf):
    """For each clean position its counterfactual partner or None (identity for equal counts)."""
    a_ids, b_ids = clean["input_ids"][0].tolist(), cf["input_ids"][0].tolist()
    if len(a_ids) == len(b_ids):
        return list(range(len(a_ids)))
    a, b = word_groups(clean), word_groups(cf)
    same = lambda i, j: [a_ids[p] for p in a[i]] == [b_ids[p] for p in b[j]]  # noqa: E731
    pre = 0
    while pre < min(len(a), len(b)) and same(pre, pre):
        pre += 1
    suf = 0
    while suf < min(len(a), len(b)) - pre and same(len(a) - 1 - suf, len(b) - 1 - suf):
        suf += 1
    pairs = [(k, k) for k in range(pre)]
    if len(a) == len(b):
        pairs += [(k, k) for k in range(pre, len(a) - suf)]
    pairs += [(len(a) - 1 - k, len(b) - 1 - k) for k in range(suf)]
    partner = [None] * len(a_ids)
    for i, j in pairs:
        if len(a[i]) == len(b[j]):
            for p, q in zip(a[i], b[j]):
                partner[p] = q
    return partner


def layers(model):
    mt = model.config.model_type
    if mt == "distilbert":
        return list(model.distilbert.transformer.layer)
    if mt == "modernbert":
        return list(model.model.layers)
    return list(getattr(model, model.base_model_prefix).encoder.layer)


def mask_position(tok, enc):
    return int((enc["input_ids"][0] == tok.mask_token_id).nonzero()[0, 0])


def patch(name, model, tok, text, cf_text):
    clean, _, _ = inputs(model, tok, text)
    cf, _, _ = inputs(model, tok, cf_text)
    partner = alignment(clean, cf)
    n = clean["input_ids"].shape[1]
    mods, L = layers(model), len(layers(model))
    masked = tok.mask_token_id is not None and bool((clean["input_ids"][0] == tok.mask_token_id).any()) \
        and "sequence" not in name
    pos = mask_position(tok, clean) if masked else None
    cf_pos = mask_position(tok, cf) if masked else None
    if masked:
        assert partner[pos] == cf_pos, (name, text, cf_text)

    def logits(enc, at=None):
        with torch.no_grad():
            res = model(**enc)
        out = res.prediction_logits if hasattr(res, "prediction_logits") else res.logits
        return out[0, pos if at is None else at] if masked else out[0]

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
    cf_logits = logits(cf, cf_pos)
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
            j = partner[i]
            if j is None:
                row.append(None)
                continue
            def patch_input(module, args, kwargs, l=l, i=i, j=j):
                if args:
                    h = args[0].clone()
                    h[0, i] = cf_hidden[l][0, j]
                    return (h,) + tuple(args[1:]), kwargs
                h = kwargs["hidden_states"].clone()
                h[0, i] = cf_hidden[l][0, j]
                kwargs["hidden_states"] = h
                return args, kwargs
            def patch_output(module, args, output, i=i, j=j):
                h = (output[0] if isinstance(output, tuple) else output).clone()
                h[0, i] = cf_hidden[L][0, j]
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
                for i, j in enumerate(partner):
                    if j is not None:
                        x[0, i, h * dh:(h + 1) * dh] = cf_context[l][0, j, h * dh:(h + 1) * dh]
                return (x,) + tuple(args[1:])
            hd = proj.register_forward_pre_hook(patch_head)
            row.append((metric(logits(clean)) - base) / (top - base))
            hd.remove()
        heads.append(row)
    print(name, "ok", f"A={a} B={b}", f"{base:.3f} -> {top:.3f}", f"({text!r} / {cf_text!r})")
    return {"text": text, "counterfactual": cf_text, "a": a, "b": b, "position": pos, "clean": base,
            "counterfactual_value": top, "effect": effect, "heads": heads}


def write(d, file, value):
    with open(os.path.join(d, file), "w", encoding="utf-8") as f:
        json.dump(value, f)
        f.write("\n")


def main():
    versions = {"torch": torch.__version__, "transformers": transformers.__version__}
    only = sys.argv[1:]
    for name, (text, cf_text) in CASES.items():
        if only and name not in only:
            continue
        d = os.path.join(HERE, "models", name)
        model, tok = load_model(d)
        write(d, "patching_goldens.json", {"versions": versions, **patch(name, model, tok, text, cf_text)})
    for name, cases in ALIGNED.items():
        if only and name not in only:
            continue
        d = os.path.join(HERE, "models", name)
        model, tok = load_model(d)
        out = []
        for text, cf_text in cases:
            case = patch(name, model, tok, text, cf_text)
            clean, _, _ = inputs(model, tok, text)
            cf, _, _ = inputs(model, tok, cf_text)
            out.append({**case, "partner": alignment(clean, cf)})
        write(d, "patching_aligned_goldens.json", {"versions": versions, "cases": out})


if __name__ == "__main__":
    sys.exit(main())
