"""Builds next-sentence-prediction pairs for the default model's NSP head,
the way BERT's were made: sentence A, then either the sentence that follows
it in the same text (is next) or a sentence from another text (not next),
50/50.

Text (public domain / permissively licensed, Debian packages):
- r-cran-janeaustenr: Jane Austen's novels, chapter by chapter;
- sword-text-web: the World English Bible, verse after verse;
- linux-doc-6.1: the kernel's documentation prose (code blocks, tables and
  headings dropped), paragraph by paragraph;
- fortunes: quotations and jokes of two sentences or more.

Splits are by whole text, never by pair: Persuasion (Austen's last novel) is
test only; of every other source, a text goes to test or dev by a hash of its
name (10% / 5%). A "not next" sentence comes from another text of the same
split (half the time of the same source, so style alone does not give the
answer). Nothing in test is ever trained on or used to pick a checkpoint.

Usage: python build_data.py WORK_DIR   (downloads the .deb files with
`apt-get download` into WORK_DIR/debs — run `apt-get update` first on a fresh
machine — and writes WORK_DIR/{train,dev,test}.tsv: label<TAB>source<TAB>A<TAB>B,
label 0 = is next, 1 = not next, as in BertForPreTraining)
"""
import glob
import hashlib
import os
import random
import re
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import training_common as common  # noqa: E402  (Samples/training_common.py)
WORK = sys.argv[1] if len(sys.argv) > 1 else "nsp-data"
MIN_WORDS, MAX_WORDS = 4, 40
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(]?[A-Z])")


def prepare_module():
    return common.prepare_module(WORK)


def sentences(text):
    text = re.sub(r"\s+", " ", text).strip()
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def austen_texts(prep, root):
    """(name, sentences) per chapter; the book order is the package's."""
    books = prep.austen_line_books(root)
    names = ["sense", "pride", "mansfield", "emma", "northanger", "persuasion"]
    out = []
    for b, lines in enumerate(books):
        chapters = re.split(r"\bCHAPTER [IVXLC\d]+\.?|\bChapter \d+", "\n".join(lines))
        for c, chapter in enumerate(chapters):
            out.append((f"austen/{names[b] if b < len(names) else b}/{c}", sentences(chapter)))
    return out


def bible_texts(root):
    """(name, verses) per compressed block of the World English Bible (a book or so)."""
    base = glob.glob(os.path.join(root, "usr/share/sword/modules/texts/ztext/*/"))[0]
    out = []
    for testament in ("ot", "nt"):
        bzs = open(base + testament + ".bzs", "rb").read()
        bzz = open(base + testament + ".bzz", "rb").read()
        bzv = open(base + testament + ".bzv", "rb").read()
        blocks = []
        for i in range(0, len(bzs) - 11, 12):
            off, size, _ = struct.unpack("<III", bzs[i:i + 12])
            blocks.append(zlib.decompress(bzz[off:off + size]) if size else b"")
        verses = {}
        for i in range(0, len(bzv) - 9, 10):
            block, off, size = struct.unpack("<IIH", bzv[i:i + 10])
            if size and block < len(blocks):
                xml = blocks[block][off:off + size].decode("utf-8", "replace")
                xml = re.sub(r"<note.*?</note>", "", xml, flags=re.S)
                xml = re.sub(r"<title.*?</title>", "", xml, flags=re.S)
                text = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", "", xml)).strip()
                if text:
                    verses.setdefault(block, []).append(text)
        out.extend((f"bible/{testament}/{b}", v) for b, v in sorted(verses.items()))
    return out


def rst_paragraphs(text):
    """Prose paragraphs of a reStructuredText file: no code, tables, headings, directives."""
    paragraphs, block, code = [], [], False
    for line in text.splitlines() + [""]:
        if not line.strip():
            if block:
                paragraphs.append(" ".join(block))
            block = []
            continue
        indented = line.startswith((" ", "\t"))
        if code and indented:
            continue
        code = False
        stripped = line.strip()
        if re.fullmatch(r"[=\-~^*+#`:.'\"_]{3,}", stripped) or stripped.startswith((".. ", "|", "+-", "*", "-", "#")):
            block = []
            continue
        block.append(stripped)
        if stripped.endswith("::"):
            code = True
            paragraphs.append(" ".join(block))
            block = []
    out = []
    for p in paragraphs:
        p = re.sub(r":\w+:`([^`<]*)(<[^>]*>)?`", r"\1", p)
        p = re.sub(r"``([^`]*)``", r"\1", p)
        p = re.sub(r"`([^`<]*)(<[^>]*>)?`_*", r"\1", p)
        p = re.sub(r"\*\*?([^*]*)\*\*?", r"\1", p).replace("::", ":")
        out.append(p)
    return out


def linux_doc_texts(root):
    folder = glob.glob(os.path.join(root, "usr/share/doc/linux-doc-*/html/_sources"))[0]
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "**/*.rst.txt"), recursive=True)):
        rel = os.path.relpath(path, folder)
        if rel.startswith("translations/"):
            continue
        text = open(path, encoding="utf-8", errors="replace").read()
        out.append((f"linux-doc/{rel}", [s for p in rst_paragraphs(text) for s in sentences(p)]))
    return out


def fortune_texts(prep, root):
    folder = os.path.join(root, "usr/share/games/fortunes")
    out = []
    for name in prep.FORTUNE_FILES:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            continue
        for i, cookie in enumerate(open(path, encoding="utf-8", errors="replace").read().split("\n%\n")):
            lines = [l for l in cookie.splitlines() if not l.strip().startswith("--")]
            out.append((f"fortunes/{name}/{i}", sentences(" ".join(lines))))
    return out


def usable(s):
    words = s.split()
    letters = sum(c.isalpha() for c in s)
    return MIN_WORDS <= len(words) <= MAX_WORDS and letters >= 0.7 * len(s.replace(" ", ""))


def split_of(name):
    if name.startswith("austen/persuasion/"):
        return "test"
    h = int(hashlib.sha1(name.encode()).hexdigest(), 16) % 100
    return "test" if h < 10 else "dev" if h < 15 else "train"


def pairs(texts, rng):
    """label 0 = B follows A; 1 = B comes from another text of the split."""
    by_source = {}
    for name, sents in texts:
        by_source.setdefault(name.split("/")[0], []).append((name, [s for s in sents if usable(s)]))
    everything = [(name, s) for texts in by_source.values() for name, ss in texts for s in ss]
    rows = []
    for source, texts in by_source.items():
        pool = [(name, s) for name, ss in texts for s in ss]
        for name, sents in texts:
            for a, b in zip(sents, sents[1:]):
                if rng.random() < 0.5:
                    rows.append(("0", source, a, b))
                    continue
                candidates = pool if rng.random() < 0.5 else everything
                for _ in range(20):
                    other, s = rng.choice(candidates)
                    if other != name:
                        rows.append(("1", source, a, s))
                        break
    rng.shuffle(rows)
    return rows


def adjacent_only(texts):
    """Keeps a pair only when both sentences are usable and adjacent in the original."""
    out = []
    for name, sents in texts:
        runs, run = [], []
        for s in sents:
            if usable(s):
                run.append(s)
            else:
                if len(run) > 1:
                    runs.append(run)
                run = []
        if len(run) > 1:
            runs.append(run)
        out.extend((f"{name}#{k}", r) for k, r in enumerate(runs))
    return out


def main():
    os.makedirs(WORK, exist_ok=True)
    prep = prepare_module()
    texts = (austen_texts(prep, prep.fetch("r-cran-janeaustenr")) + bible_texts(prep.fetch("sword-text-web"))
             + linux_doc_texts(prep.fetch("linux-doc-6.1")) + fortune_texts(prep, prep.fetch("fortunes")))
    rng = random.Random(1234)
    splits = {"train": [], "dev": [], "test": []}
    for name, sents in adjacent_only(texts):
        splits[split_of(name.split("#")[0])].append((name, sents))
    for split, chosen in splits.items():
        rows = pairs(chosen, rng)
        with open(os.path.join(WORK, split + ".tsv"), "w", encoding="utf-8") as f:
            for r in rows:
                f.write("\t".join(x.replace("\t", " ") for x in r) + "\n")
        counts = {}
        for r in rows:
            counts[r[1]] = counts.get(r[1], 0) + 1
        print(f"{split}: {len(rows)} pairs {counts}")


if __name__ == "__main__":
    main()
