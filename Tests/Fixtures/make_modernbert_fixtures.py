"""Tiny random ModernBERT checkpoints and their goldens (#30), from
transformers' ModernBertModel / ModernBertForMaskedLM /
ModernBertForSequenceClassification in eager attention:

  tiny-modernbert-mlm       the hub's config spelling (global_attn_every_n_layers,
                            global_rope_theta, local_rope_theta), no biases (as
                            ModernBERT-base), 5 layers: global every 2nd (3 global)
  tiny-modernbert-cls-mean  transformers 5's spelling (layer_types, rope_parameters),
                            every bias on, mean pooling, a 3-label classifier
  tiny-modernbert-cls       cls pooling, global every 3rd
  tiny-modernbert-ner       ModernBertForTokenClassification (head on every token, 5 labels)
  tiny-modernbert-qa        ModernBertForQuestionAnswering (head on every token, start/end)

Each has a 4-token local window on each side (local_attention = 8), smaller
than the longer inputs, and a byte-level BPE tokenizer built from the tiny
RoBERTa's vocabulary and merges with ModernBERT's template ([CLS] A [SEP],
[CLS] A [SEP] B [SEP]) and its [MASK] that swallows the space before it.
golden.safetensors per case: hidden_states (L+1, n, d; the last one after
the final norm, as transformers reports it), attentions (L, H, n, n), and
the head's logits (masked LM: every position; classifier: the labels);
tokenizer_goldens.json: every tokenizer text through HF tokenizers.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_modernbert_fixtures.py   (run by generate.sh)
"""
import json
import os
import shutil
import sys

import tokenizers
import torch
import transformers
from safetensors.torch import save_file
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import (ModernBertConfig, ModernBertForMaskedLM, ModernBertForQuestionAnswering,
                          ModernBertForSequenceClassification, ModernBertForTokenClassification)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "models")
VERSIONS = {"torch": torch.__version__, "transformers": transformers.__version__, "tokenizers": tokenizers.__version__}
SPECIALS = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]


def tokenizer():
    """ModernBERT's tokenizer.json layout over the tiny RoBERTa's BPE."""
    src = os.path.join(ROOT, "tiny-roberta-mlm")
    vocab = json.load(open(os.path.join(src, "vocab.json"), encoding="utf-8"))
    vocab = {t: i for t, i in vocab.items() if not (t.startswith("<") and t.endswith(">"))}
    vocab = {t: i for i, t in enumerate(sorted(vocab, key=vocab.get))}
    merges = [tuple(l.split()) for l in open(os.path.join(src, "merges.txt"), encoding="utf-8").read().split("\n")[1:]
              if l.strip()]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False, byte_fallback=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([tokenizers.AddedToken(t, special=True, normalized=False, lstrip=t == "[MASK]")
                            for t in SPECIALS])
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:0 [SEP]:0",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    return tok


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.copy_(1.0 + 0.3 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.35 * torch.randn(p.shape, generator=g))
        if hasattr(model, "decoder"):
            model.decoder.weight = model.model.embeddings.tok_embeddings.weight


def config(tok, **kw):
    ids = {t: tok.token_to_id(t) for t in SPECIALS}
    return ModernBertConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=32, num_attention_heads=4, intermediate_size=24,
        max_position_embeddings=128, local_attention=8, pad_token_id=ids["[PAD]"], cls_token_id=ids["[CLS]"],
        sep_token_id=ids["[SEP]"], bos_token_id=ids["[CLS]"], eos_token_id=ids["[SEP]"], attn_implementation="eager",
        **kw)


def hub_spelling(d, every, global_theta, local_theta):
    """Rewrites config.json as the hub's ModernBERT checkpoints spell it (transformers 4.x keys)."""
    path = os.path.join(d, "config.json")
    c = json.load(open(path, encoding="utf-8"))
    for k in ("layer_types", "rope_parameters"):
        c.pop(k, None)
    c.update(global_attn_every_n_layers=every, global_rope_theta=global_theta, local_rope_theta=local_theta)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(c, f, indent=2)


def cases(tok, vocab, seed):
    g = torch.Generator().manual_seed(seed)
    cls, sep, pad = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]"), tok.token_to_id("[PAD]")
    out = []
    for n in (1, 5, 17, 40):
        body = torch.randint(0, vocab - len(SPECIALS), (max(0, n - 2),), generator=g).tolist()
        out.append({"ids": ([cls] + body + [sep])[:n]})
    body = torch.randint(0, vocab - len(SPECIALS), (12,), generator=g).tolist()
    out.append({"ids": [cls] + body + [sep] + [pad] * 6, "attention_mask": [1] * 14 + [0] * 6})
    out.append({"text": "Paris is the [MASK] of France.", "ids": tok.encode("Paris is the [MASK] of France.").ids})
    return out


def goldens(model, cs):
    tensors = {}
    for i, c in enumerate(cs):
        ids = torch.tensor([c["ids"]])
        mask = torch.tensor([c["attention_mask"]]) if "attention_mask" in c else None
        with torch.no_grad():
            out = model.model(ids, attention_mask=mask, output_hidden_states=True, output_attentions=True)
            res = model(ids, attention_mask=mask)
            logits = res.logits if hasattr(res, "logits") else None
        assert torch.equal(out.hidden_states[-1], out.last_hidden_state)
        tensors[f"case{i}.hidden_states"] = torch.stack(out.hidden_states)[:, 0].contiguous().float()
        tensors[f"case{i}.attentions"] = torch.stack(out.attentions)[:, 0].contiguous().float()
        if hasattr(model(ids, attention_mask=mask), "start_logits"):
            with torch.no_grad():
                res = model(ids, attention_mask=mask)
            logits = torch.stack([res.start_logits, res.end_logits], dim=-1)  # (1, n, 2)
        tensors[f"case{i}.logits"] = logits[0].contiguous().float()
    return tensors


def write(name, model, tok, seed, spelling=None):
    d = os.path.join(ROOT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    randomize(model, seed)
    model.eval()
    model.save_pretrained(d, safe_serialization=True)
    tok.save(os.path.join(d, "tokenizer.json"))
    with open(os.path.join(d, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 128, "cls_token": "[CLS]",
                   "sep_token": "[SEP]", "pad_token": "[PAD]", "mask_token": "[MASK]", "unk_token": "[UNK]"}, f)
    if spelling:
        hub_spelling(d, *spelling)
    # Goldens from the checkpoint as transformers reads it back (the spelling included).
    model = type(model).from_pretrained(d, attn_implementation="eager").eval()
    cs = cases(tok, tok.get_vocab_size(), seed)
    save_file(goldens(model, cs), os.path.join(d, "golden.safetensors"))
    with open(os.path.join(d, "golden.json"), "w", encoding="utf-8") as f:
        json.dump({"versions": VERSIONS, "layer_types": model.config.layer_types, "cases": cs}, f)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print(f"{name}: {size / 1e6:.2f} MB, layers {model.config.layer_types}")


def tokenizer_goldens(tok):
    """Every tokenizer text (and pairs, and masks) through the saved tokenizer.json, as HF tokenizers encodes it."""
    sys.path.insert(0, HERE)
    import tokenizer_texts

    def encoding_dict(e):  # as make_fixtures.py writes them
        return {"tokens": e.tokens, "ids": e.ids, "offsets": [list(o) for o in e.offsets], "type_ids": e.type_ids,
                "word_ids": e.word_ids, "special_tokens_mask": e.special_tokens_mask}
    d = os.path.join(ROOT, "tiny-modernbert-mlm")
    fast = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
    texts = ([{"text": t} for t in tokenizer_texts.singles()]
             + [{"text": t} for t in ["Paris is the [MASK] of France.", "[MASK] at the start", "two  [MASK]  spaces"]]
             + [{"text": a, "pair": b} for a, b in tokenizer_texts.pairs()])
    with open(os.path.join(d, "tokenizer_goldens.json"), "w", encoding="utf-8") as f:
        json.dump({"versions": VERSIONS, "cases": texts,
                   "outputs": [encoding_dict(fast.encode(c["text"], c.get("pair"))) for c in texts]}, f)
        f.write("\n")


def main():
    """Every checkpoint, or those named on the command line (the others are left as they are)."""
    only = sys.argv[1:]
    tok = tokenizer()
    if not only:
        everything(tok)
    per_token = {"tiny-modernbert-ner": lambda: ModernBertForTokenClassification(config(
                     tok, num_hidden_layers=3, global_attn_every_n_layers=2, num_labels=5,
                     id2label={i: l for i, l in enumerate(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])},
                     label2id={l: i for i, l in enumerate(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])})),
                 "tiny-modernbert-qa": lambda: ModernBertForQuestionAnswering(config(
                     tok, num_hidden_layers=3, global_attn_every_n_layers=2, classifier_bias=True))}
    for seed, (name, make) in enumerate(per_token.items(), start=54):
        if not only or name in only:
            write(name, make(), tok, seed)


def everything(tok):
    write("tiny-modernbert-mlm", ModernBertForMaskedLM(config(tok, num_hidden_layers=5, global_attn_every_n_layers=2,
                                                               classifier_activation="gelu")),
          tok, 51, spelling=(2, 160000.0, 10000.0))
    labels = {"id2label": {0: "negative", 1: "neutral", 2: "positive"},
              "label2id": {"negative": 0, "neutral": 1, "positive": 2}}
    write("tiny-modernbert-cls-mean", ModernBertForSequenceClassification(config(
        tok, num_hidden_layers=4, layer_types=["full_attention", "sliding_attention", "sliding_attention",
                                               "full_attention"],
        rope_parameters={"full_attention": {"rope_type": "default", "rope_theta": 80000.0},
                         "sliding_attention": {"rope_type": "default", "rope_theta": 5000.0}},
        attention_bias=True, mlp_bias=True, norm_bias=True, classifier_bias=True, decoder_bias=True,
        classifier_pooling="mean", num_labels=3, hidden_activation="gelu", **labels)), tok, 52)
    write("tiny-modernbert-cls", ModernBertForSequenceClassification(config(
        tok, num_hidden_layers=4, global_attn_every_n_layers=3, classifier_pooling="cls", num_labels=3, **labels)),
        tok, 53)
    tokenizer_goldens(tok)


if __name__ == "__main__":
    sys.exit(main())
