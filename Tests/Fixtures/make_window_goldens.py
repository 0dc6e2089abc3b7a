"""Sliding-window goldens for `bertscope tokenize --max-length N --stride S`:
transformers' `tokenizer(text, truncation=True, max_length=N, stride=S,
return_overflowing_tokens=True, return_offsets_mapping=True)` for the
default model's tokenizer and the byte-level BPE and SentencePiece fixtures,
on long texts, written to windows_goldens.json beside each tokenizer.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_window_goldens.py   (run by generate.sh)
"""
import json
import os
import sys

import transformers

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tokenizer_texts  # noqa: E402

FOLDERS = ["tokenizer", "models/tiny-roberta-mlm", "models/tiny-xlm-roberta-mlm", "models/tiny-deberta-v3-mlm"]
SETTINGS = [(8, 0), (8, 2), (12, 9), (12, 10), (16, 5), (32, 8), (64, 0), (64, 31), (512, 128)]


def cases_to_run():
    """(text, settings): moderate texts under every setting, one document of all the texts under two."""
    singles = tokenizer_texts.singles()
    moderate = [" ".join(singles[:12]), " ".join(singles[12:40]), "Short text.", ""]
    return [(t, SETTINGS) for t in moderate] + [(" ".join(singles), [(512, 128), (128, 32)])]


def tokenizer(folder):
    d = os.path.join(HERE, folder)
    if folder == "tokenizer":
        return transformers.AutoTokenizer.from_pretrained(d)
    return transformers.PreTrainedTokenizerFast(tokenizer_file=os.path.join(d, "tokenizer.json"))


def main():
    for folder in FOLDERS:
        tok = tokenizer(folder)
        cases = []
        for text, settings in cases_to_run():
            for n, s in settings:
                try:
                    r = tok(text, truncation=True, max_length=n, stride=s, return_overflowing_tokens=True,
                            return_offsets_mapping=True)
                except BaseException:  # tokenizers panics when the stride is not below the window's text
                    cases.append({"text": text, "max_length": n, "stride": s, "error": True})
                    continue
                windows = [{"ids": ids, "offsets": [list(o) for o in offs]}
                           for ids, offs in zip(r["input_ids"], r["offset_mapping"])]
                cases.append({"text": text, "max_length": n, "stride": s, "windows": windows})
        out = {"versions": {"transformers": transformers.__version__}, "cases": cases}
        with open(os.path.join(HERE, folder, "windows_goldens.json"), "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False)
            f.write("\n")
        print(folder, len(cases), "cases", sum(len(c.get("windows", [])) for c in cases), "windows")


if __name__ == "__main__":
    sys.exit(main())
