"""Goldens for `bertscope compare`, from transformers' hidden states and
attentions and scipy: per hidden state, the cosine of each shared word (mean
of its pieces) between the two sentences and to its own embedding; per layer
and head, scipy.spatial.distance.jensenshannon of the attention rows,
averaged over query rows (token rows when the tokenizations have the same
length). Writes compare_goldens.json beside each model.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_compare_goldens.py   (run by generate.sh)
"""
import json
import os
import sys

import numpy as np
import torch
import transformers
from scipy.spatial.distance import jensenshannon

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_ablation_goldens import load_model  # noqa: E402
from make_task_heads import inputs  # noqa: E402

MODELS = ["tiny-bert-pretraining", "tiny-roberta-mlm", "tiny-deberta-v3-mlm"]
PAIRS = [("he was at the one", "she was at the one"),
         ("The cat sat on the mat.", "The dog sat on the mat and barked.")]


def words(enc, offsets, text):
    """(typed word, positions) of each word, as BertScope groups pieces."""
    out, seen = [], {}
    for i, w in enumerate(enc.word_ids(0)):
        if w is None:
            continue
        if w in seen:
            out[seen[w]][1].append(i)
        else:
            seen[w] = len(out)
            out.append([None, [i]])
    for item in out:
        a, b = offsets[item[1][0]][0], offsets[item[1][-1]][1]
        item[0] = text[a:b]
    return out


def main():
    for name in MODELS:
        d = os.path.join(HERE, "models", name)
        model, tok = load_model(d)
        cases = []
        for ta, tb in PAIRS:
            ea, oa, _ = inputs(model, tok, ta)
            eb, ob, _ = inputs(model, tok, tb)
            with torch.no_grad():
                ra = model.base_model(**ea, output_hidden_states=True, output_attentions=True)
                rb = model.base_model(**eb, output_hidden_states=True, output_attentions=True)
            ha = [h[0].double().numpy() for h in ra.hidden_states]
            hb = [h[0].double().numpy() for h in rb.hidden_states]
            wa, wb = words(ea, oa, ta), words(eb, ob, tb)
            pool, used, aligned = {}, {}, []
            for w, g in wb:
                pool.setdefault(w.lower(), []).append(g)
            for w, g in wa:
                k = used.get(w.lower(), 0)
                if w.lower() in pool and k < len(pool[w.lower()]):
                    used[w.lower()] = k + 1
                    gb = pool[w.lower()][k]
                    cos = lambda x, y: float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))  # noqa: E731
                    aligned.append({"word": w, "a": g, "b": gb,
                                    "cosine": [cos(h1[g].mean(0), h2[gb].mean(0)) for h1, h2 in zip(ha, hb)],
                                    "to_embedding": [cos(h[g].mean(0), ha[0][g].mean(0)) for h in ha]})
            js = None
            if ea["input_ids"].shape == eb["input_ids"].shape:
                js = [[float(np.mean([jensenshannon(ra.attentions[l][0, h, i].double().numpy(),
                                                    rb.attentions[l][0, h, i].double().numpy())
                                      for i in range(ra.attentions[l].shape[-1])]))
                       for h in range(ra.attentions[l].shape[1])] for l in range(len(ra.attentions))]
            cases.append({"a": ta, "b": tb, "words": aligned, "attention_js": js})
        with open(os.path.join(d, "compare_goldens.json"), "w", encoding="utf-8") as f:
            json.dump({"versions": {"transformers": transformers.__version__}, "cases": cases}, f)
            f.write("\n")
        print(name, "ok", [len(c["words"]) for c in cases], [c["attention_js"] is not None for c in cases])


if __name__ == "__main__":
    sys.exit(main())
