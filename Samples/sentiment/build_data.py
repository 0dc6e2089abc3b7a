"""Builds silver-labelled sentiment data for the default model's sentiment
head: negative / neutral / positive.

Text (public domain / permissively licensed, from Debian packages, fetched by
../mlm-head/prepare_data.py's helpers): WordNet 3.0 example sentences and
glosses, Jane Austen's novels, the fortune cookies of the `fortunes` package
(modern English quotations), and the Linux kernel documentation's prose
(linux-doc-6.1, through ../nsp-head/build_data.py), which is factual.

Labels are SILVER: VADER (vaderSentiment on PyPI, a lexicon- and rule-based
analyzer) scores every sentence; a sentence is positive when the compound
score is >= MARGIN, negative when <= -MARGIN, neutral inside VADER's own
neutral band (|compound| < 0.05) and dropped in between, so only confident
labels are learnt.

VADER scores words, not situations: "The app crashes every time I open it."
and "The jacket fell apart after one wash." score 0.0. Neutral everyday
sentences therefore hold many implicit complaints, and a head taught on them
calls complaints neutral (the first three-class run: 14 of 80 held-out polar
sentences). So neutral examples come mostly from text whose register is
factual — WordNet's glosses (definitions) and the kernel documentation —
and only a small share (NEUTRAL_SHARE) from the everyday example sentences;
Austen's and the fortunes' neutral lines are not used, nor is the kernel
documentation's "polar" prose (its "kill", "fail" and "error" are not
opinions). The held-out sets (heldout.tsv, heldout-neutral.tsv) are never
read here.

Usage: python build_data.py WORK_DIR   (writes WORK_DIR/sentiment.tsv:
label<TAB>source<TAB>sentence, and prints the counts)
"""
import os
import random
import re
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import training_common as common  # noqa: E402  (Samples/training_common.py)
WORK = sys.argv[1] if len(sys.argv) > 1 else "sentiment-data"
MARGIN = 0.35
NEUTRAL_BAND = 0.05
# Neutral sentences kept per source: a share of its polar ones, or a fixed count.
NEUTRAL_SHARE = {"wordnet-examples": 0.2, "wordnet-glosses": 0.6, "austen": 0.0, "fortunes": 0.0}
NEUTRAL_FIXED = {"linux-doc": 6000}
POLAR_SOURCES = {"wordnet-examples", "wordnet-glosses", "austen", "fortunes"}
def prepare_module():
    return common.prepare_module(WORK)


def linux_doc_sentences():
    mod = common.load_script("nsp_data", "nsp-head/build_data.py")
    prep = prepare_module()
    return [s for _, sents in mod.linux_doc_texts(prep.fetch("linux-doc-6.1")) for s in sents if mod.usable(s)]


def label_of(compound):
    if compound >= MARGIN:
        return "positive"
    if compound <= -MARGIN:
        return "negative"
    return "neutral" if abs(compound) < NEUTRAL_BAND else None


def main():
    os.makedirs(WORK, exist_ok=True)
    prep = prepare_module()
    examples, glosses = prep.wordnet_sentences(prep.fetch("wordnet-base"))
    sources = {"wordnet-examples": examples, "wordnet-glosses": glosses,
               "austen": prep.austen_sentences(prep.fetch("r-cran-janeaustenr")),
               "fortunes": prep.fortune_sentences(prep.fetch("fortunes")),
               "linux-doc": linux_doc_sentences()}
    vader = SentimentIntensityAnalyzer()
    rows, seen, rng = [], set(), random.Random(1234)
    for source, sentences in sources.items():
        kept = {"positive": [], "negative": [], "neutral": []}
        for s in sentences:
            s = re.sub(r"\s+", " ", s).strip()
            if not 3 <= len(s.split()) <= 40 or s.lower() in seen:
                continue
            seen.add(s.lower())
            label = label_of(vader.polarity_scores(s)["compound"])
            if label:
                kept[label].append(s)
        if source not in POLAR_SOURCES:
            kept["positive"], kept["negative"] = [], []
        polar = len(kept["positive"]) + len(kept["negative"])
        rng.shuffle(kept["neutral"])
        cap = NEUTRAL_FIXED.get(source, int(NEUTRAL_SHARE.get(source, 0.0) * polar))
        kept["neutral"] = kept["neutral"][:cap]
        rows.extend((label, source, s) for label, ss in kept.items() for s in ss)
        print(f"{source}: {len(sentences)} sentences, kept " + str({k: len(v) for k, v in kept.items()}))
    rng.shuffle(rows)
    with open(os.path.join(WORK, "sentiment.tsv"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"total {len(rows)}")


if __name__ == "__main__":
    main()
