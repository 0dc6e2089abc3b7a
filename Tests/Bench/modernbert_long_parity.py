"""BertScope against transformers on a long input through ModernBERT's band
kernel: the ModernBERT-base-shaped random checkpoint of modernbert_compare.py
(22 × 768, 64-wide heads, a ±64 local window), a text of 1,382 tokens,
every hidden state compared (`bertscope dump --no-attentions`).

  python Tests/Bench/modernbert_long_parity.py   (venv: torch, transformers)
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from transformers import ModernBertModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modernbert_compare import ROOT, model_dir  # noqa: E402

TEXT = " ".join(["the quick brown fox jumps over the lazy dog"] * 60)


def main():
    d = model_dir("modernbert-base")
    binary = os.path.join(ROOT, ".build/release/bertscope")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, "dump", "--model", d, "--out", out, "--no-attentions", TEXT], check=True,
                       capture_output=True)
        ids = json.load(open(os.path.join(out, "tokens.json")))["ids"]
        ours = np.load(os.path.join(out, "hidden_states.npy"))
    m = ModernBertModel.from_pretrained(d, attn_implementation="eager").eval()
    with torch.no_grad():
        theirs = m(input_ids=torch.tensor([ids]), output_hidden_states=True).hidden_states
    diff = max(float(np.abs(ours[i] - theirs[i][0].numpy()).max()) for i in range(len(theirs)))
    print(f"{len(ids)} tokens, {len(theirs)} hidden states: max |BertScope - transformers| = {diff:.1e}")
    return 0 if diff <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
