"""Tiny fine-tuned task-head checkpoints and their goldens, for
`bertscope classify` and `answer`: for every family, a
*ForSequenceClassification, *ForTokenClassification and
*ForQuestionAnswering model with random weights (stored as F16; goldens
computed from the rounded weights), built on the config and tokenizer of an
existing tiny fixture (tokenizer files are relative symlinks to it), written
to models/heads/NAME with task_goldens.json:

- sequence: label probabilities (softmax / sigmoid / raw for regression) and logits;
- token: every non-special token's argmax label and its probability;
- qa: the answer as transformers' question-answering pipeline (4.x) decoded
  it, with max_answer_len 30: context tokens only (plus [CLS] in the
  softmax), P(start)·P(end), character offsets into the context.

  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_task_heads.py
(run by generate.sh)
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
import transformers
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tokenizer_texts  # noqa: E402
from make_ablation_goldens import tokenizer_for  # noqa: E402

ROOT = os.path.join(HERE, "models", "heads")
# family name -> the fixture whose config and tokenizer it reuses
BASES = {"bert": "tiny-bert", "distilbert": "tiny-distilbert-mlm", "roberta": "tiny-roberta-mlm",
         "xlm-roberta": "tiny-xlm-roberta-mlm", "albert": "tiny-albert-pretraining", "electra": "tiny-electra",
         "deberta-v3": "tiny-deberta-v3-mlm", "camembert": "tiny-camembert-mlm", "deberta-v2": "tiny-deberta-v2-mlm"}
LATER = ["camembert", "deberta-v2"]
TOKENIZER_FILES = ("vocab.txt", "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json",
                   "special_tokens_map.json", "spiece.model", "sentencepiece.bpe.model", "spm.model")
SEQ_LABELS = ["negative", "neutral", "positive"]
TOKEN_LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
QA = [("Where did the cat sit?", "The cat sat on the mat, and the dog barked at the mailman."),
      ("When did Apollo 11 land?", "In 1969, Apollo 11 landed on the Moon (July 20th)."),
      ("What does BERT read?", "BERT reads a sentence in both directions at once."),
      ("Who is late?", "I can't believe it's already 5:30 p.m.; we're late!")]
TASKS = {"sequence": "ForSequenceClassification", "token": "ForTokenClassification", "qa": "ForQuestionAnswering"}


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if ("LayerNorm" in name or "layer_norm" in name) and name.endswith("weight"):
                p.copy_(1.0 + 0.3 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.35 * torch.randn(p.shape, generator=g))


def build(family, task, problem=None, seed=0):
    base = os.path.join(HERE, "models", BASES[family])
    cfg = transformers.AutoConfig.from_pretrained(base)
    arch = type(transformers.AutoModel.from_config(cfg)).__name__.replace("Model", "") + TASKS[task]
    labels = {"sequence": SEQ_LABELS, "token": TOKEN_LABELS, "qa": ["LABEL_0", "LABEL_1"]}[task]
    if problem == "regression":
        labels = ["score"]
    cfg.architectures = [arch]
    cfg.id2label = dict(enumerate(labels))
    cfg.label2id = {l: i for i, l in enumerate(labels)}
    cfg.num_labels = len(labels)
    cfg.problem_type = problem
    if family == "deberta-v3":
        cfg.pooler_hidden_size = cfg.hidden_size
        cfg.pooler_hidden_act = "gelu"
    cls = getattr(transformers, arch)
    model = cls(cfg).eval()
    randomize(model, seed)
    model = model.half().float()  # goldens from the weights as stored (F16)
    name = f"{family}-{task}" + (f"-{problem.split('_')[0]}" if problem else "")
    d = os.path.join(ROOT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    model.save_pretrained(d, safe_serialization=True)
    for f in os.listdir(d):
        if f.endswith(".safetensors"):
            p = os.path.join(d, f)
            save_file({k: v.half() if v.is_floating_point() else v for k, v in load_file(p).items()}, p,
                      metadata={"format": "pt"})
    for f in os.listdir(base):
        if f in TOKENIZER_FILES:
            os.symlink(os.path.join("..", "..", BASES[family], f), os.path.join(d, f))
    tok = tokenizer_for(d, model)
    return name, d, model, tok


def inputs(model, tok, a, b=None):
    """Ids, segment ids as tokenizer.json's post-processor gives them (transformers 5's
    AlbertTokenizer leaves them out; 4.x, which fine-tuned ALBERTs were trained with, sent them),
    the special-tokens mask (template tokens only: [UNK] is text) and offsets."""
    types = bool(getattr(model.config, "type_vocab_size", 0)) and model.config.model_type != "distilbert"
    enc = tok(a, b, return_tensors="pt", return_offsets_mapping=True, return_special_tokens_mask=True,
              return_token_type_ids=types)
    offsets = enc.pop("offset_mapping")[0].tolist()
    special = enc.pop("special_tokens_mask")[0].tolist()
    return enc, offsets, special


def sequence_goldens(model, tok):
    out = []
    cases = [(t, None) for t in tokenizer_texts.singles()[:6]] + list(tokenizer_texts.pairs()[:2])
    for a, b in cases:
        enc, _, _ = inputs(model, tok, a, b)
        with torch.no_grad():
            logits = model(**enc).logits[0].double()
        pt = model.config.problem_type
        scores = logits if pt == "regression" else logits.sigmoid() if pt == "multi_label_classification" else logits.softmax(-1)
        out.append({"text": a, "pair": b, "logits": logits.tolist(),
                    "labels": [{"id": i, "label": model.config.id2label[i], "probability": float(s)} for i, s in enumerate(scores)]})
    return out


def token_goldens(model, tok):
    out = []
    for a in tokenizer_texts.singles()[:6]:
        enc, _, special = inputs(model, tok, a)
        with torch.no_grad():
            probs = model(**enc).logits[0].double().softmax(-1)
        tokens = tok.convert_ids_to_tokens(enc["input_ids"][0].tolist())
        rows = [{"position": i, "token": tokens[i], "label": model.config.id2label[int(probs[i].argmax())],
                 "probability": float(probs[i].max())} for i in range(len(tokens)) if not special[i]]
        out.append({"text": a, "tokens": rows})
    return out


def qa_goldens(model, tok):
    out = []
    for q, c in QA:
        enc, offsets, _ = inputs(model, tok, q, c)
        seq = enc.sequence_ids(0)
        with torch.no_grad():
            res = model(**enc)
        start, end = res.start_logits[0].numpy().astype(np.float64), res.end_logits[0].numpy().astype(np.float64)
        # transformers 4.x QuestionAnsweringPipeline: p_mask = not context, [CLS] unmasked.
        allowed = np.array([s == 1 for s in seq])
        keep = allowed.copy()
        keep[0] = True
        start, end = np.where(keep, start, -10000.0), np.where(keep, end, -10000.0)
        ps, pe = np.exp(start - start.max()), np.exp(end - end.max())
        ps, pe = ps / ps.sum(), pe / pe.sum()
        ps[0] = pe[0] = 0.0
        outer = np.tril(np.triu(np.outer(ps, pe)), 30 - 1)
        outer[~allowed, :] = 0
        outer[:, ~allowed] = 0
        s, e = np.unravel_index(np.argmax(outer), outer.shape)
        c0, c1 = offsets[s][0], offsets[e][1]
        out.append({"question": q, "context": c, "answer": c[c0:c1], "start": c0, "end": c1,
                    "score": float(ps[s] * pe[e]), "start_token": int(s), "end_token": int(e)})
    return out


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    os.makedirs(ROOT)
    first = [f for f in BASES if f not in LATER]
    specs = [(f, t, None) for f in first for t in TASKS]
    specs += [("bert", "sequence", "multi_label_classification"), ("bert", "sequence", "regression")]
    # Added later, after the others, so the earlier checkpoints keep their seeds.
    specs += [(f, t, None) for f in LATER for t in TASKS]
    for seed, (family, task, problem) in enumerate(specs, start=100):
        name, d, model, tok = build(family, task, problem, seed)
        goldens = {"versions": {"torch": torch.__version__, "transformers": transformers.__version__},
                   "architecture": model.config.architectures[0], "problem_type": problem}
        goldens[task] = {"sequence": sequence_goldens, "token": token_goldens, "qa": qa_goldens}[task](model, tok)
        with open(os.path.join(d, "task_goldens.json"), "w", encoding="utf-8") as f:
            json.dump(goldens, f, ensure_ascii=False, indent=0)
            f.write("\n")
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d) if not os.path.islink(os.path.join(d, f)))
        print(f"{name}: {model.config.architectures[0]}, {size / 1e3:.0f} kB")


if __name__ == "__main__":
    sys.exit(main())
