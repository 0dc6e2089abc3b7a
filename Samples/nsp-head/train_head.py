"""Trains a next-sentence-prediction head for all-MiniLM-L6-v2 (which ships
without one) and exports it as an F16 overlay that BertScope applies to the
default model for `nsp` and the workbench's is-next / not-next.

The head is BERT's own (BertForPreTraining's): the pooler on [CLS]
(dense -> tanh) and `cls.seq_relationship` (linear, 2 logits: 0 = is next,
1 = not next). The top TRAIN_LAYERS encoder layers are retrained with it; the
embeddings and lower layers stay frozen, so the overlay holds only what
changed, under the base model's tensor names.

Data: build_data.py's pairs. Batches draw sources by WEIGHTS (the kernel
documentation would otherwise be two thirds of them); the dev split picks the
checkpoint; the test split (texts never trained on, Persuasion among them) and
the hand-written everyday.tsv are only ever evaluated.

Resumable: a checkpoint every EVAL_EVERY steps; rerunning continues. Usage
(venv with torch, transformers, safetensors):
  python train_head.py DATA_DIR WORK_DIR [TOTAL_STEPS] [--export]
Writes WORK_DIR/train.log, WORK_DIR/ckpt.pt, WORK_DIR/best.pt and
Samples/nsp-head/minilm-nsp-overlay.safetensors.
"""
import json
import os
import random
import sys
import time

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertForPreTraining, BertModel, BertTokenizerFast

DATA, WORK = sys.argv[1], sys.argv[2]
TOTAL = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 3000
EXPORT_ONLY = "--export" in sys.argv
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import training_common as common  # noqa: E402  (Samples/training_common.py)
TRAIN_LAYERS, BATCH, MAX_LEN, EVAL_EVERY, SEED = 2, 32, 128, 250, 1234
WEIGHTS = {"austen": 1.0, "bible": 1.0, "linux-doc": 1.0, "fortunes": 0.4}
DEV_PAIRS = 3000
torch.set_num_threads(int(os.environ.get("THREADS", "2")))


model_dir = common.model_dir


def log(msg):
    common.log(WORK, msg)


def read_pairs(path):
    rows = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8") if l.strip() and not l.startswith("#")]
    return [(int(r[0]), r[1], r[2], r[3]) for r in rows if len(r) == 4]


def build_model():
    base = BertModel.from_pretrained(model_dir(), attn_implementation="eager")
    cfg = BertConfig.from_pretrained(model_dir(), attn_implementation="eager")
    cfg.tie_word_embeddings = True
    m = BertForPreTraining(cfg)
    missing, _ = m.bert.load_state_dict(base.state_dict(), strict=False)
    assert not missing, missing
    m.tie_weights()
    for p in m.parameters():
        p.requires_grad = False
    L = cfg.num_hidden_layers
    head = list(m.bert.pooler.parameters()) + list(m.cls.seq_relationship.parameters())
    layers = [p for i in range(L - TRAIN_LAYERS, L) for p in m.bert.encoder.layer[i].parameters()]
    for p in head + layers:
        p.requires_grad = True
    return m, head, layers


def logits(m, tok, rows):
    enc = tok([r[2] for r in rows], [r[3] for r in rows], padding=True, truncation="longest_first",
              max_length=MAX_LEN, return_tensors="pt")
    return m.bert(**enc).pooler_output @ m.cls.seq_relationship.weight.T + m.cls.seq_relationship.bias


def evaluate(m, tok, rows):
    """(accuracy, mean loss, accuracy per source)."""
    m.eval()
    correct, loss, per = 0, 0.0, {}
    with torch.no_grad():
        for i in range(0, len(rows), 64):
            chunk = rows[i:i + 64]
            out = logits(m, tok, chunk)
            gold = torch.tensor([r[0] for r in chunk])
            hits = (out.argmax(-1) == gold).tolist()
            correct += sum(hits)
            loss += float(torch.nn.functional.cross_entropy(out, gold, reduction="sum"))
            for r, h in zip(chunk, hits):
                c = per.setdefault(r[1], [0, 0])
                c[0] += h
                c[1] += 1
    m.train()
    return correct / len(rows), loss / len(rows), {s: round(c / n, 4) for s, (c, n) in sorted(per.items())}


def sample_batch(by_source, rng):
    names = list(by_source)
    weights = [WEIGHTS.get(n, 1.0) for n in names]
    return [rng.choice(by_source[rng.choices(names, weights)[0]]) for _ in range(BATCH)]


def export(m, step, test, everyday):
    L = m.config.num_hidden_layers
    keep = {}
    for k, v in m.state_dict().items():
        layer_ok = any(k.startswith(f"bert.encoder.layer.{i}.") for i in range(L - TRAIN_LAYERS, L))
        if layer_ok or k.startswith("bert.pooler.") or k.startswith("cls.seq_relationship."):
            keep[k.removeprefix("bert.")] = v.detach().to(torch.float16).contiguous()
    meta = {"bertscope_overlay": "next-sentence head for all-MiniLM-L6-v2, trained by BertScope on public-domain text",
            "base_model": "sentence-transformers/all-MiniLM-L6-v2", "task": "next-sentence", "steps": str(step),
            "heldout_accuracy": f"{test[0]:.4f}", "heldout_pairs": str(test[3]),
            "heldout_by_source": json.dumps(test[2]),
            "everyday_accuracy": f"{everyday[0]:.4f}", "everyday_pairs": str(everyday[3]),
            "trained_layers": ",".join(str(i) for i in range(L - TRAIN_LAYERS, L)),
            "data": "consecutive vs. random sentence pairs (50/50) from Jane Austen's novels, the World English "
                    "Bible, the Linux kernel documentation and fortunes; held out: Persuasion and 10% of texts"}
    path = os.path.join(HERE, "minilm-nsp-overlay.safetensors")
    save_file(keep, path, metadata=meta)
    log(f"exported {len(keep)} tensors to {path} ({os.path.getsize(path) / 1e6:.1f} MB): {meta}")
    write_golden(path)


def write_golden(path):
    """transformers' answer with the shipped (F16) overlay on the everyday pairs: BertScope's tests compare."""
    from safetensors.torch import load_file
    m, _, _ = build_model()
    state = {(k if k.startswith("cls.") else "bert." + k): v.float() for k, v in load_file(path).items()}
    assert not m.load_state_dict(state, strict=False).unexpected_keys
    m.eval()
    tok = BertTokenizerFast.from_pretrained(model_dir())
    rows = read_pairs(os.path.join(HERE, "everyday.tsv"))
    with torch.no_grad():
        p = torch.softmax(logits(m, tok, rows), -1)
    cases = [{"a": r[2], "b": r[3], "label": r[0], "is_next": float(q[0]), "not_next": float(q[1])}
             for r, q in zip(rows, p)]
    with open(os.path.join(HERE, "golden.json"), "w", encoding="utf-8") as f:
        json.dump({"model": "all-MiniLM-L6-v2 + minilm-nsp-overlay.safetensors", "cases": cases}, f, indent=1)
    log(f"golden: {len(cases)} pairs, accuracy {sum((c['is_next'] < 0.5) == bool(c['label']) for c in cases) / len(cases):.3f}")


def final_scores(m, tok, test, everyday):
    t = evaluate(m, tok, test)
    e = evaluate(m, tok, everyday)
    return t + (len(test),), e + (len(everyday),)


def main():
    os.makedirs(WORK, exist_ok=True)
    random.seed(SEED)
    torch.manual_seed(SEED)
    tok = BertTokenizerFast.from_pretrained(model_dir())
    m, head, layers = build_model()
    train = read_pairs(os.path.join(DATA, "train.tsv"))
    dev = read_pairs(os.path.join(DATA, "dev.tsv"))[:DEV_PAIRS]
    test = read_pairs(os.path.join(DATA, "test.tsv"))
    everyday = read_pairs(os.path.join(HERE, "everyday.tsv"))
    by_source = {}
    for r in train:
        by_source.setdefault(r[1], []).append(r)
    opt = torch.optim.AdamW([{"params": head, "lr": 1e-3}, {"params": layers, "lr": 5e-5}], weight_decay=0.01)
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
    else:
        acc, loss, per = evaluate(m, tok, dev)
        log(f"step 0 (untrained head) dev acc {acc:.4f} loss {loss:.4f} {per}")
    if EXPORT_ONLY or step >= TOTAL:
        if os.path.exists(best_path):
            m.load_state_dict(torch.load(best_path, weights_only=False)["model"], strict=False)
        return export(m, step, *final_scores(m, tok, test, everyday))
    m.train()
    t0 = time.time()
    while step < TOTAL:
        rows = sample_batch(by_source, rng)
        loss = torch.nn.functional.cross_entropy(logits(m, tok, rows), torch.tensor([r[0] for r in rows]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(head + layers, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        if step % EVAL_EVERY == 0 or step == TOTAL:
            acc, dev_loss, per = evaluate(m, tok, dev)
            day = evaluate(m, tok, everyday)[0]
            log(f"step {step} dev acc {acc:.4f} loss {dev_loss:.4f} {per} everyday {day:.4f} "
                f"({(time.time() - t0) / EVAL_EVERY:.2f} s/step)")
            t0 = time.time()
            trainable = {k: v for k, v in m.state_dict().items()
                         if "encoder.layer" in k or "pooler" in k or "seq_relationship" in k}
            if dev_loss < best:
                best = dev_loss
                torch.save({"model": trainable, "step": step}, best_path)
            torch.save({"model": trainable, "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step,
                        "best": best, "rng": rng.getstate()}, ckpt + ".tmp")
            os.replace(ckpt + ".tmp", ckpt)
    m.load_state_dict(torch.load(best_path, weights_only=False)["model"], strict=False)
    export(m, step, *final_scores(m, tok, test, everyday))


if __name__ == "__main__":
    main()
