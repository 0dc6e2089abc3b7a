"""Builds silver-labelled sentiment data for the default model's sentiment head.

Text (public domain / permissively licensed, from Debian packages, fetched by
../mlm-head/prepare_data.py's helpers and `apt-get download fortunes`):
WordNet 3.0 example sentences and glosses, Jane Austen's novels, and the
fortune cookies of the `fortunes` package (modern English quotations).

Labels are SILVER: VADER (vaderSentiment on PyPI, a lexicon- and rule-based
analyzer) scores every sentence; a sentence is kept as positive when the
compound score is >= MARGIN, negative when <= -MARGIN, and dropped otherwise,
so only confident labels are learnt. The held-out set (heldout.tsv) is never
read here.

Usage: python build_data.py WORK_DIR   (writes WORK_DIR/sentiment.tsv:
label<TAB>source<TAB>sentence, and prints the counts)
"""
import os
import random
import re
import subprocess
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import training_common as common  # noqa: E402  (Samples/training_common.py)
WORK = sys.argv[1] if len(sys.argv) > 1 else "sentiment-data"
MARGIN = 0.35
def prepare_module():
    return common.prepare_module(WORK)


def main():
    os.makedirs(WORK, exist_ok=True)
    prep = prepare_module()
    examples, glosses = prep.wordnet_sentences(prep.fetch("wordnet-base"))
    sources = {"wordnet-examples": examples, "wordnet-glosses": glosses,
               "austen": prep.austen_sentences(prep.fetch("r-cran-janeaustenr")),
               "fortunes": prep.fortune_sentences(prep.fetch("fortunes"))}
    vader = SentimentIntensityAnalyzer()
    rows, seen = [], set()
    for source, sentences in sources.items():
        kept = {"positive": 0, "negative": 0}
        for s in sentences:
            s = re.sub(r"\s+", " ", s).strip()
            if not 3 <= len(s.split()) <= 40 or s.lower() in seen:
                continue
            seen.add(s.lower())
            c = vader.polarity_scores(s)["compound"]
            label = "positive" if c >= MARGIN else "negative" if c <= -MARGIN else None
            if label:
                kept[label] += 1
                rows.append((label, source, s))
        print(f"{source}: {len(sentences)} sentences, kept {kept}")
    random.Random(1234).shuffle(rows)
    with open(os.path.join(WORK, "sentiment.tsv"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"total {len(rows)}")


if __name__ == "__main__":
    main()
