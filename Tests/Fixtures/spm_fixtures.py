"""SentencePiece (Unigram) fixtures: a tiny spm model trained here with the
`sentencepiece` wheel (nmt_nfkc normalization, so its tokenizer.json carries a
real Precompiled charsmap), turned into tokenizer.json files the way
transformers' converters and hub files build them (ALBERT, DeBERTa-v2/v3 in
transformers 4 and 5 style, XLM-R, legacy Metaspace), plus goldens from HF
`tokenizers` for every text in tokenizer_texts.py."""
import base64
import io
import json
import os
import tempfile

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as pb
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

import tokenizer_texts

ALBERT_SPECIALS = ["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"]


def corpus():
    here = os.path.dirname(os.path.abspath(__file__))
    lines = tokenizer_texts.PROSE * 5
    path = os.path.join(here, "..", "..", "Samples", "probing", "train.conllu")
    with open(path, encoding="utf-8") as f:
        lines += [l[len("# text = "):].strip() for l in f if l.startswith("# text = ")][:3000]
    return lines


def train_spm(vocab_size=1200):
    """Pieces and scores (ALBERT layout: <pad> <unk> [CLS] [SEP] [MASK] first) and the charsmap."""
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus()), model_writer=model, vocab_size=vocab_size, model_type="unigram",
        normalization_rule_name="nmt_nfkc", pad_id=0, unk_id=1, bos_id=-1, eos_id=-1,
        control_symbols=["[CLS]", "[SEP]", "[MASK]"], character_coverage=1.0, seed_sentencepiece_size=20000,
        num_threads=1, minloglevel=2)
    proto = pb.ModelProto()
    proto.ParseFromString(model.getvalue())
    pieces = [(p.piece, p.score) for p in proto.pieces]
    assert [p for p, _ in pieces[:5]] == ALBERT_SPECIALS, pieces[:5]
    return pieces, proto.normalizer_spec.precompiled_charsmap


def with_specials(tok, specials):
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def albert(pieces, charsmap, lower=True, keep_accents=False):
    tok = Tokenizer(models.Unigram(pieces, unk_id=1, byte_fallback=False))
    chain = [normalizers.Replace("``", '"'), normalizers.Replace("''", '"')]
    if not keep_accents:
        chain += [normalizers.NFKD(), normalizers.StripAccents()]
    if lower:
        chain.append(normalizers.Lowercase())
    chain += [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(chain)
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(),
                                                 pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")])
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return with_specials(tok, ALBERT_SPECIALS)


def deberta_v4(pieces, charsmap, split_by_punct=False, lower=False):
    """DeBERTa-v2/v3 as transformers 4's converter wrote tokenizer.json."""
    tok = Tokenizer(models.Unigram(pieces, unk_id=1, byte_fallback=False))
    chain = [normalizers.Lowercase()] if lower else []
    chain += [normalizers.Strip(), normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(chain)
    pre = [pre_tokenizers.Punctuation(behavior="isolated")] if split_by_punct else []
    tok.pre_tokenizer = pre_tokenizers.Sequence(pre + [pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")])
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return with_specials(tok, ALBERT_SPECIALS)


def deberta_v5(pieces, charsmap):
    """DeBERTa-v2/v3 as transformers 5's DebertaV2Tokenizer builds it."""
    tok = Tokenizer(models.Unigram(pieces, unk_id=1, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.Replace(Regex(r"\s{2,}|[\n\r\t]"), " "), normalizers.NFC(),
                                           normalizers.Strip(left=False, right=True)])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")])
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return with_specials(tok, ALBERT_SPECIALS)


def xlm_roberta(pieces, charsmap):
    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + pieces[5:] + [("<mask>", 0.0)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in ["<s>", "<pad>", "</s>", "<unk>"]])
    tok.add_special_tokens([AddedToken("<mask>", special=True, normalized=False, lstrip=True)])
    return tok


def legacy_metaspace(tok):
    """The same tokenizer with the pre-0.19 Metaspace serialization (add_prefix_space)."""
    spec = json.loads(tok.to_str())
    def rewrite(p):
        if p.get("type") == "Metaspace":
            scheme = p.pop("prepend_scheme")
            p.pop("split", None)
            p["add_prefix_space"] = scheme == "always"
        for q in p.get("pretokenizers", []):
            rewrite(q)
    rewrite(spec["pre_tokenizer"])
    return spec


def variants(pieces, charsmap):
    """name → tokenizer.json dict."""
    out = {
        "albert": albert(pieces, charsmap),
        "albert-cased-accents": albert(pieces, charsmap, lower=False, keep_accents=True),
        "deberta-v3": deberta_v4(pieces, charsmap),
        "deberta-v2-punct-lower": deberta_v4(pieces, charsmap, split_by_punct=True, lower=True),
        "deberta-v5": deberta_v5(pieces, charsmap),
        "xlm-roberta": xlm_roberta(pieces, charsmap),
    }
    out = {k: json.loads(v.to_str()) for k, v in out.items()}
    out["albert-legacy-metaspace"] = legacy_metaspace(albert(pieces, charsmap))
    # XLM-R with RobertaProcessing instead of the template (older tokenizer.json files).
    xlmr = json.loads(xlm_roberta(pieces, charsmap).to_str())
    xlmr["post_processor"] = {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0], "trim_offsets": True,
                              "add_prefix_space": True}
    out["xlm-roberta-roberta-processing"] = xlmr
    return out


def encode_all(spec, cases, encoding_dict):
    tok = Tokenizer.from_str(json.dumps(spec))
    tok.no_padding()
    tok.no_truncation()
    return [encoding_dict(tok.encode(c["text"], c.get("pair"))) for c in cases]


def extra_texts():
    """Texts aimed at the SentencePiece path: charsmap rules, graphemes, whitespace runs, ``quotes''."""
    return [
        "``Quoted'' text with ``double backticks''", "  leading and trailing spaces  ", "many     spaces\there",
        "ﬁne ligatures ﬀ and ＡＢＣ fullwidth １２３", "Ⅻ roman ① circled ㈱", "e\u0301 combining, n\u0303 tilde, a\u0308\u0301 two",
        "👍🏽 thumbs 👨‍👩‍👧 family 🇫🇷 flag", "tab\tnew\nline\r\nend", "\u00a0nbsp\u2003em\u3000ideo", "zero\u200bwidth\u200djoin",
        "ｶﾀｶﾅ half-width katakana", "café CAFÉ Café", "İstanbul ǅ ß ẞ", "[MASK] starts, ends [MASK]", "a[MASK]b [CLS][SEP]",
        "<mask> and <s> </s>", "▁ already ▁▁ metaspace", "", " ", "x" * 300, "unknownglyphs ⌘ ∰ ꙮ",
    ]


def strip_charsmap(spec, charsmap_b64):
    """The spec with its charsmap replaced by a marker (stored once beside it)."""
    text = json.dumps(spec, ensure_ascii=True)
    return json.loads(text.replace(json.dumps(charsmap_b64), json.dumps("@charsmap")))


def write_goldens(out_dir, versions, encoding_dict, write_json):
    """sentencepiece/variants.json (tokenizer.json per variant, charsmap once) and goldens.json."""
    os.makedirs(out_dir, exist_ok=True)
    pieces, charsmap = train_spm()
    specs = variants(pieces, charsmap)
    b64 = base64.b64encode(charsmap).decode()
    cases = ([{"text": t} for t in tokenizer_texts.singles() + extra_texts()]
             + [{"text": a, "pair": b} for a, b in tokenizer_texts.pairs()])
    write_json(os.path.join(out_dir, "variants.json"),
               {"charsmap": b64, "variants": {k: strip_charsmap(v, b64) for k, v in specs.items()}})
    write_json(os.path.join(out_dir, "goldens.json"), {"versions": versions, "cases": cases,
               "outputs": {k: encode_all(v, cases, encoding_dict) for k, v in specs.items()}})
    print(f"sentencepiece: {len(cases)} texts x {len(specs)} tokenizer.json variants")
    deberta_spm_goldens(out_dir, versions, cases, encoding_dict, write_json)
    slow_folder_goldens(out_dir, versions, cases, encoding_dict, write_json)
    return pieces, charsmap, specs


DEBERTA_SPECIALS = {"bos_token": "[CLS]", "eos_token": "[SEP]", "unk_token": "[UNK]", "sep_token": "[SEP]",
                    "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}


def deberta_spm_goldens(out_dir, versions, cases, encoding_dict, write_json):
    """A hub-style DeBERTa-v3 tokenizer folder with no tokenizer.json: spm.model ([PAD] [CLS] [SEP]
    [UNK] first, as microsoft/deberta-v3-* ship it), tokenizer_config.json, special_tokens_map.json,
    added_tokens.json ([MASK] after the vocabulary). Goldens are what transformers builds from it, for
    the shipped settings and for do_lower_case + split_by_punct + add_prefix_space=false."""
    import transformers
    d = os.path.join(out_dir, "deberta-spm")
    os.makedirs(d, exist_ok=True)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus()), model_writer=model, vocab_size=1200, model_type="unigram",
        normalization_rule_name="identity", pad_id=0, bos_id=1, eos_id=2, unk_id=3, pad_piece="[PAD]", bos_piece="[CLS]",
        eos_piece="[SEP]", unk_piece="[UNK]", character_coverage=1.0, seed_sentencepiece_size=20000, num_threads=1, minloglevel=2)
    with open(os.path.join(d, "spm.model"), "wb") as f:
        f.write(model.getvalue())
    write_json(os.path.join(d, "special_tokens_map.json"), DEBERTA_SPECIALS)
    write_json(os.path.join(d, "added_tokens.json"), {"[MASK]": 1200})
    settings = {"shipped": {"do_lower_case": False, "vocab_type": "spm"},
                "lower-punct-noprefix": {"do_lower_case": True, "split_by_punct": True, "add_prefix_space": False, "vocab_type": "spm"}}
    outputs = {}
    for name, config in settings.items():
        write_json(os.path.join(d, "tokenizer_config.json"), config)
        with tempfile.TemporaryDirectory() as tmp:
            for f in os.listdir(d):
                if f != "goldens.json":
                    with open(os.path.join(d, f), "rb") as src, open(os.path.join(tmp, f), "wb") as dst:
                        dst.write(src.read())
            write_json(os.path.join(tmp, "config.json"), {"model_type": "deberta-v2"})
            tok = transformers.AutoTokenizer.from_pretrained(tmp).backend_tokenizer
        tok.no_padding()
        tok.no_truncation()
        outputs[name] = [encoding_dict(tok.encode(c["text"], c.get("pair"))) for c in cases]
    write_json(os.path.join(d, "tokenizer_config.json"), settings["shipped"])
    write_json(os.path.join(d, "goldens.json"), {"versions": versions, "settings": settings, "cases": cases, "outputs": outputs})
    print(f"deberta-spm: {len(cases)} texts x {len(settings)} settings")


def slow_folder_goldens(out_dir, versions, cases, encoding_dict, write_json):
    """ALBERT (spiece.model) and XLM-R (sentencepiece.bpe.model) folders without tokenizer.json, and
    what transformers builds from them, for each listed tokenizer_config.json."""
    import transformers
    folders = {
        "albert": ("spiece.model", "albert", dict(pad_id=0, unk_id=1, bos_id=-1, eos_id=-1, control_symbols=["[CLS]", "[SEP]", "[MASK]"]),
                   {"default": {}, "cased-accents-noprefix": {"do_lower_case": False, "keep_accents": True, "add_prefix_space": False}}),
        "xlm-roberta": ("sentencepiece.bpe.model", "xlm-roberta", {}, {"default": {}}),
    }
    for name, (file, model_type, ids, settings) in folders.items():
        d = os.path.join(out_dir, "slow-" + name)
        os.makedirs(d, exist_ok=True)
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(corpus()), model_writer=model, vocab_size=1200, model_type="unigram",
            normalization_rule_name="nmt_nfkc", character_coverage=1.0, seed_sentencepiece_size=20000, num_threads=1,
            minloglevel=2, **ids)
        with open(os.path.join(d, file), "wb") as f:
            f.write(model.getvalue())
        outputs = {}
        for setting, config in settings.items():
            with tempfile.TemporaryDirectory() as tmp:
                with open(os.path.join(tmp, file), "wb") as f:
                    f.write(model.getvalue())
                write_json(os.path.join(tmp, "tokenizer_config.json"), config)
                write_json(os.path.join(tmp, "config.json"), {"model_type": model_type})
                tok = transformers.AutoTokenizer.from_pretrained(tmp).backend_tokenizer
            tok.no_padding()
            tok.no_truncation()
            outputs[setting] = [encoding_dict(tok.encode(c["text"], c.get("pair"))) for c in cases]
        write_json(os.path.join(d, "goldens.json"), {"versions": versions, "model_type": model_type, "settings": settings,
                                                     "cases": cases, "outputs": outputs})
        print(f"slow-{name}: {len(cases)} texts x {len(settings)} settings")
