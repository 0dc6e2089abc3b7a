"""Trains a sentiment head (negative / positive) for all-MiniLM-L6-v2 and
exports it as an F16 overlay that BertScope applies to the default model for
`classify` and `explain`.

The head is BERT's own sequence-classification head (pooler on the first
token -> tanh -> dropout -> linear), so the overlay is a standard
BertForSequenceClassification checkpoint minus the tensors it shares with the
published model: the pooler, the classifier and the top TRAIN_LAYERS encoder
layers (the embeddings and lower layers stay frozen).

Data: build_data.py's silver labels (VADER over public-domain sentences); a
slice is held back as a silver dev set, used to pick the checkpoint. The
hand-written held-out set heldout.tsv is only ever evaluated, never trained
on or used for selection.

Resumable: a checkpoint every EVAL_EVERY steps. Usage (venv with torch,
transformers, safetensors, vaderSentiment):
  python train_head.py DATA_DIR WORK_DIR [TOTAL_STEPS] [--export]
Writes WORK_DIR/train.log, WORK_DIR/ckpt.pt, WORK_DIR/best.pt and
Samples/sentiment/minilm-sentiment-overlay.safetensors.
"""
import json
import os
import random
import sys
import time

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertForSequenceClassification, BertModel, BertTokenizerFast

DATA, WORK = sys.argv[1], sys.argv[2]
TOTAL = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 2000
EXPORT_ONLY = "--export" in sys.argv
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import training_common as common  # noqa: E402  (Samples/training_common.py)
TRAIN_LAYERS, BATCH, MAX_LEN, EVAL_EVERY, SEED, DEV = 2, 32, 64, 250, 1234, 2000
LABELS = ["negative", "positive"]
torch.set_num_threads(int(os.environ.get("THREADS", "2")))


model_dir = common.model_dir


def log(msg):
    common.log(WORK, msg)


def load_rows():
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(DATA, "sentiment.tsv"), encoding="utf-8")]
    rows = [(LABELS.index(r[0]), r[2]) for r in rows if len(r) == 3]
    return rows[DEV:], rows[:DEV]


def heldout_rows():
    path = os.path.join(HERE, "heldout.tsv")
    rows = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8") if l.strip() and not l.startswith("#")]
    return [(LABELS.index(label), text) for label, text in rows]


def build_model():
    base = BertModel.from_pretrained(model_dir(), attn_implementation="eager")
    cfg = BertConfig.from_pretrained(model_dir(), attn_implementation="eager", num_labels=2,
                                     id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)})
    m = BertForSequenceClassification(cfg)
    missing, _ = m.bert.load_state_dict(base.state_dict(), strict=False)
    assert not [k for k in missing if not k.startswith("pooler.")], missing
    for p in m.parameters():
        p.requires_grad = False
    L = cfg.num_hidden_layers
    head = list(m.bert.pooler.parameters()) + list(m.classifier.parameters())
    layers = [p for i in range(L - TRAIN_LAYERS, L) for p in m.bert.encoder.layer[i].parameters()]
    for p in head + layers:
        p.requires_grad = True
    return m, head, layers


def accuracy(m, tok, rows):
    m.eval()
    correct, loss = 0, 0.0
    with torch.no_grad():
        for i in range(0, len(rows), 64):
            chunk = rows[i:i + 64]
            enc = tok([t for _, t in chunk], padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
            logits = m(**enc).logits
            gold = torch.tensor([y for y, _ in chunk])
            correct += int((logits.argmax(-1) == gold).sum())
            loss += float(torch.nn.functional.cross_entropy(logits, gold, reduction="sum"))
    m.train()
    return correct / len(rows), loss / len(rows)


def sample_batch(tok, by_label, rng):
    # Balanced batches: the silver data has more positive than negative sentences.
    picks = [(y, rng.choice(by_label[y])) for y in (rng.randrange(2) for _ in range(BATCH))]
    enc = tok([t for _, t in picks], padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    return enc, torch.tensor([y for y, _ in picks])


def export(m, step, scores):
    L = m.config.num_hidden_layers
    keep = {}
    for k, v in m.state_dict().items():
        layer_ok = any(k.startswith(f"bert.encoder.layer.{i}.") for i in range(L - TRAIN_LAYERS, L))
        if layer_ok or k.startswith("bert.pooler.") or k.startswith("classifier."):
            # Layer and pooler names as in the base model's file (no "bert." prefix),
            # so they replace the base's tensors one for one; the head keeps its name.
            keep[k.removeprefix("bert.")] = v.detach().to(torch.float16).contiguous()
    meta = {"bertscope_overlay": "sentiment head for all-MiniLM-L6-v2, trained by BertScope on silver labels",
            "base_model": "sentence-transformers/all-MiniLM-L6-v2", "task": "sequence-classification",
            "id2label": json.dumps(dict(enumerate(LABELS))), "steps": str(step),
            "heldout_accuracy": f"{scores[0]:.4f}", "heldout_sentences": str(scores[1]),
            "trained_layers": ",".join(str(i) for i in range(L - TRAIN_LAYERS, L)),
            "data": "VADER silver labels over WordNet 3.0 examples and glosses, Jane Austen's novels, fortunes"}
    path = os.path.join(HERE, "minilm-sentiment-overlay.safetensors")
    save_file(keep, path, metadata=meta)
    log(f"exported {len(keep)} tensors to {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


def main():
    os.makedirs(WORK, exist_ok=True)
    random.seed(SEED)
    torch.manual_seed(SEED)
    tok = BertTokenizerFast.from_pretrained(model_dir())
    m, head, layers = build_model()
    train, dev = load_rows()
    held = heldout_rows()
    by_label = {y: [t for yy, t in train if yy == y] for y in range(2)}
    opt = torch.optim.AdamW([{"params": head, "lr": 1e-3}, {"params": layers, "lr": 3e-5}], weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100) * max(0.0, 1 - s / TOTAL))
    step, rng, best = 0, random.Random(SEED), float("inf")
    ckpt, best_path = os.path.join(WORK, "ckpt.pt"), os.path.join(WORK, "best.pt")
    if os.path.exists(ckpt):
        state = torch.load(ckpt, weights_only=False)
        m.load_state_dict(state["model"], strict=False)
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step, best = state["step"], state["best"]
        rng.setstate(state["rng"])
        log(f"resumed at step {step}")
    if EXPORT_ONLY or step >= TOTAL:
        if os.path.exists(best_path):
            m.load_state_dict(torch.load(best_path, weights_only=False)["model"], strict=False)
        acc = accuracy(m, tok, held)[0]
        return export(m, step, (acc, len(held)))
    m.train()
    t0 = time.time()
    while step < TOTAL:
        enc, gold = sample_batch(tok, by_label, rng)
        loss = torch.nn.functional.cross_entropy(m(**enc).logits, gold)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(head + layers, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        if step % EVAL_EVERY == 0 or step == TOTAL:
            dev_acc, dev_loss = accuracy(m, tok, dev)
            held_acc = accuracy(m, tok, held)[0]
            log(f"step {step} dev acc {dev_acc:.4f} loss {dev_loss:.4f} heldout acc {held_acc:.4f} "
                f"({(time.time() - t0) / EVAL_EVERY:.2f} s/step)")
            t0 = time.time()
            trainable = {k: v for k, v in m.state_dict().items() if "encoder.layer" in k or "pooler" in k or "classifier" in k}
            if dev_loss < best:
                best = dev_loss
                torch.save({"model": trainable, "step": step}, best_path)
            torch.save({"model": trainable, "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step,
                        "best": best, "rng": rng.getstate()}, ckpt + ".tmp")
            os.replace(ckpt + ".tmp", ckpt)
    m.load_state_dict(torch.load(best_path, weights_only=False)["model"], strict=False)
    export(m, step, (accuracy(m, tok, held)[0], len(held)))


if __name__ == "__main__":
    main()
