"""Trains a sentiment head (negative / neutral / positive) for all-MiniLM-L6-v2
and exports it as an F16 overlay that BertScope applies to the default model
for `classify` and `explain`.

The head is BERT's own sequence-classification head (pooler on the first
token -> tanh -> dropout -> linear), so the overlay is a standard
BertForSequenceClassification checkpoint minus the tensors it shares with the
published model: the pooler, the classifier and the top TRAIN_LAYERS encoder
layers (the embeddings and lower layers stay frozen).

Data: build_data.py's silver labels (VADER over public-domain sentences); a
slice is held back as a silver dev set, used to pick the checkpoint and to
calibrate: a temperature T fitted on the dev set's logits (least NLL) is
folded into the classifier (W/T, b/T), so the shipped head's probabilities
are the calibrated ones; the expected calibration error (15 bins) before and
after is recorded in the overlay's metadata. The hand-written held-out sets
heldout.tsv (polar) and heldout-neutral.tsv (factual) are only ever
evaluated, never trained on or used for selection or calibration.

--init-two-class starts from the shipped two-class overlay (negative /
positive): its layers, pooler and the two classifier rows are kept, the
neutral row starts at zero, and the head learns at HEAD_LR (default 2e-4
then, 1e-3 otherwise), so what the polar head knew is the starting point.

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
INIT_TWO_CLASS = "--init-two-class" in sys.argv
NEUTRAL_BATCH = float(os.environ.get("NEUTRAL_BATCH", str(1 / 3)))
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import training_common as common  # noqa: E402  (Samples/training_common.py)
TRAIN_LAYERS, BATCH, MAX_LEN, EVAL_EVERY, SEED, DEV = 2, 32, 64, 250, 1234, 2000
LABELS = ["negative", "neutral", "positive"]
# SOFT_NEUTRAL=1: the head keeps two outputs (negative / positive) and learns
# neutral sentences as 50/50 soft targets, so it can say "neither" by not
# leaning, without a third class that steals polar sentences.
SOFT = os.environ.get("SOFT_NEUTRAL") == "1"
OUT = ["negative", "positive"] if SOFT else LABELS
NEUTRAL = LABELS.index("neutral")
BINS = 15
torch.set_num_threads(int(os.environ.get("THREADS", "2")))


model_dir = common.model_dir


def log(msg):
    common.log(WORK, msg)


def load_rows():
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(DATA, "sentiment.tsv"), encoding="utf-8")]
    # NEUTRAL_SKIP=source,…: neutral sentences of those sources are not used (VADER's neutral
    # everyday examples hold implicit complaints).
    skip = set(filter(None, os.environ.get("NEUTRAL_SKIP", "").split(",")))
    rows = [(LABELS.index(r[0]), r[2]) for r in rows if len(r) == 3 and not (r[0] == "neutral" and r[1] in skip)]
    return rows[DEV:], rows[:DEV]


def heldout_rows(name="heldout.tsv"):
    path = os.path.join(HERE, name)
    rows = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8") if l.strip() and not l.startswith("#")]
    return [(LABELS.index(label), text) for label, text in rows]


def build_model():
    base = BertModel.from_pretrained(model_dir(), attn_implementation="eager")
    cfg = BertConfig.from_pretrained(model_dir(), attn_implementation="eager", num_labels=len(OUT),
                                     id2label=dict(enumerate(OUT)), label2id={l: i for i, l in enumerate(OUT)})
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


def logits_of(m, tok, rows):
    m.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(rows), 64):
            enc = tok([t for _, t in rows[i:i + 64]], padding=True, truncation=True, max_length=MAX_LEN,
                      return_tensors="pt")
            out.append(m(**enc).logits)
    m.train()
    return torch.cat(out), torch.tensor([y for y, _ in rows])


def targets(gold):
    """Class indices (three-class head) or probability rows (soft: neutral = 50/50)."""
    if not SOFT:
        return gold
    t = torch.zeros(len(gold), 2)
    t[gold == 0, 0] = 1.0
    t[gold == 2, 1] = 1.0
    t[gold == NEUTRAL] = 0.5
    return t


def polar_index(gold):
    """Gold labels as the head's output indices (soft head: polar rows only)."""
    return (gold == 2).long() if SOFT else gold


def accuracy(m, tok, rows):
    """Accuracy (polar rows only for the soft head) and loss over all rows."""
    logits, gold = logits_of(m, tok, rows)
    loss = float(torch.nn.functional.cross_entropy(logits, targets(gold)))
    keep = gold != NEUTRAL if SOFT else torch.ones_like(gold, dtype=torch.bool)
    return float((logits[keep].argmax(-1) == polar_index(gold[keep])).float().mean()), loss


def ece(logits, gold, t=1.0):
    """Expected calibration error of the top class, BINS equal-width confidence bins."""
    p = torch.softmax(logits / t, -1)
    conf, pred = p.max(-1)
    hit = (pred == gold).float()
    total = 0.0
    for b in range(BINS):
        inside = (conf > b / BINS) & (conf <= (b + 1) / BINS)
        if inside.any():
            total += float(inside.float().mean()) * abs(float(conf[inside].mean()) - float(hit[inside].mean()))
    return total


def fit_temperature(logits, gold):
    """The T in [0.25, 8] with the least dev NLL (a fine grid: one parameter)."""
    grid = [0.25 * 1.02 ** k for k in range(0, 176)]
    return min(grid, key=lambda t: float(torch.nn.functional.cross_entropy(logits / t, gold)))


def neutral_scores(m, tok, rows):
    """(share predicted neutral, share neutral or below 0.75 confidence) on factual sentences."""
    logits, _ = logits_of(m, tok, rows)
    p = torch.softmax(logits, -1)
    neutral = p.argmax(-1) == (-1 if SOFT else NEUTRAL)
    calm = neutral | (p.max(-1).values < 0.75)
    return float(neutral.float().mean()), float(calm.float().mean())


def sample_batch(tok, by_label, rng):
    # Negative and positive drawn equally (the silver data has more positive
    # sentences); neutral at NEUTRAL_BATCH of the batch (its silver labels
    # include implicit complaints, so a smaller share keeps the polar head sharp).
    n = NEUTRAL
    def label():
        if rng.random() < NEUTRAL_BATCH:
            return n
        return rng.choice([y for y in range(len(LABELS)) if y != n])
    picks = [(y, rng.choice(by_label[y])) for y in (label() for _ in range(BATCH))]
    enc = tok([t for _, t in picks], padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    return enc, targets(torch.tensor([y for y, _ in picks]))


def calibrate(m, tok, dev, held, neutral):
    """Folds the dev-fitted temperature into the classifier; the figures before and after."""
    dev_logits, dev_gold = logits_of(m, tok, dev)
    held_logits, held_gold = logits_of(m, tok, held if SOFT else held + neutral)
    if SOFT:  # a 50/50 target has no hit or miss: the temperature and ECE over the polar rows
        polar = dev_gold != NEUTRAL
        dev_logits, dev_gold = dev_logits[polar], polar_index(dev_gold[polar])
        held_gold = polar_index(held_gold)
    t = fit_temperature(dev_logits, dev_gold)
    figures = {"temperature": f"{t:.3f}",
               "ece_dev_before": f"{ece(dev_logits, dev_gold):.4f}", "ece_dev_after": f"{ece(dev_logits, dev_gold, t):.4f}",
               "ece_heldout_before": f"{ece(held_logits, held_gold):.4f}",
               "ece_heldout_after": f"{ece(held_logits, held_gold, t):.4f}"}
    # Folded in only when it calibrates the dev set measurably better (a head already
    # calibrated keeps T = 1: a fitted T that changes ECE by < 0.005 is noise).
    applied = ece(dev_logits, dev_gold) - ece(dev_logits, dev_gold, t) >= 0.005
    figures["temperature_applied"] = "yes" if applied else "no"
    if applied:
        with torch.no_grad():
            m.classifier.weight /= t
            m.classifier.bias /= t
    log(f"calibrated: {figures}")
    return figures


def export(m, step, scores, extra):
    L = m.config.num_hidden_layers
    keep = {}
    for k, v in m.state_dict().items():
        layer_ok = any(k.startswith(f"bert.encoder.layer.{i}.") for i in range(L - TRAIN_LAYERS, L))
        if layer_ok or k.startswith("bert.pooler.") or k.startswith("classifier."):
            # Layer and pooler names as in the base model's file (no "bert." prefix),
            # so they replace the base's tensors one for one; the head keeps its name.
            keep[k.removeprefix("bert.")] = v.detach().to(torch.float16).contiguous()
    meta = {**extra, "bertscope_overlay": "sentiment head for all-MiniLM-L6-v2, trained by BertScope on silver labels",
            "base_model": "sentence-transformers/all-MiniLM-L6-v2", "task": "sequence-classification",
            "id2label": json.dumps(dict(enumerate(OUT))), "steps": str(step),
            "heldout_accuracy": f"{scores[0]:.4f}", "heldout_sentences": str(scores[1]),
            "trained_layers": ",".join(str(i) for i in range(L - TRAIN_LAYERS, L)),
            "data": "VADER silver labels (neutral: |compound| < 0.05) over WordNet 3.0 examples and glosses, "
                    "Jane Austen's novels, fortunes and Linux kernel documentation prose"}
    meta["neutral_batch_share"] = f"{NEUTRAL_BATCH:.3f}"
    skipped = os.environ.get("NEUTRAL_SKIP", "")
    if SOFT:
        meta["data"] = ("VADER silver labels (|compound| >= 0.35) over WordNet 3.0 examples and glosses, Jane Austen's "
                        "novels and fortunes; neutral sentences, learnt as 50/50: WordNet glosses in VADER's neutral "
                        "band and Linux kernel documentation prose" + (f" (not {skipped})" if skipped else ""))
    if INIT_TWO_CLASS:
        meta["continued"] = ("from the two-class (negative/positive) head of 2,000 steps"
                             + ("" if SOFT else "; neutral row new"))
    path = os.path.join(HERE, "minilm-sentiment-overlay.safetensors")
    save_file(keep, path, metadata=meta)
    log(f"exported {len(keep)} tensors to {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


def init_from_two_class(m):
    """Loads the shipped negative/positive overlay; the neutral row of the classifier starts at zero."""
    from safetensors.torch import load_file
    overlay = load_file(os.path.join(HERE, "minilm-sentiment-overlay.safetensors"))
    weight, bias = overlay.pop("classifier.weight").float(), overlay.pop("classifier.bias").float()
    assert weight.shape[0] == 2, "--init-two-class wants the two-class overlay"
    result = m.bert.load_state_dict({k: v.float() for k, v in overlay.items()}, strict=False)
    assert not result.unexpected_keys, result.unexpected_keys
    with torch.no_grad():
        if SOFT:
            m.classifier.weight.copy_(weight)
            m.classifier.bias.copy_(bias)
            return log(f"start from the two-class overlay ({len(overlay)} tensors + classifier)")
        m.classifier.weight.copy_(torch.stack([weight[0], torch.zeros_like(weight[0]), weight[1]]))
        m.classifier.bias.copy_(torch.stack([bias[0], bias.mean(), bias[1]]))
    log(f"start from the two-class overlay ({len(overlay)} tensors + classifier)")


def main():
    os.makedirs(WORK, exist_ok=True)
    random.seed(SEED)
    torch.manual_seed(SEED)
    tok = BertTokenizerFast.from_pretrained(model_dir())
    m, head, layers = build_model()
    train, dev = load_rows()
    held = heldout_rows()
    by_label = {y: [t for yy, t in train if yy == y] for y in range(len(LABELS))}
    neutral = heldout_rows("heldout-neutral.tsv")
    head_lr = float(os.environ.get("HEAD_LR", "2e-4" if INIT_TWO_CLASS else "1e-3"))
    opt = torch.optim.AdamW([{"params": head, "lr": head_lr}, {"params": layers, "lr": 3e-5}], weight_decay=0.01)
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
    elif INIT_TWO_CLASS:
        init_from_two_class(m)
    if EXPORT_ONLY or step >= TOTAL:
        if os.path.exists(best_path):
            m.load_state_dict(torch.load(best_path, weights_only=False)["model"], strict=False)
        return finish(m, tok, step, dev, held, neutral)
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
            calm = neutral_scores(m, tok, neutral)
            log(f"step {step} dev acc {dev_acc:.4f} loss {dev_loss:.4f} heldout acc {held_acc:.4f} "
                f"neutral held-out: predicted {calm[0]:.3f}, calm {calm[1]:.3f} "
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
    finish(m, tok, step, dev, held, neutral)


def neutral_offset(m, tok):
    """Folds into the head the neutral logit offset that best labels dev-everyday.tsv (hand-written).

    The silver dev set cannot choose it: VADER calls implicit complaints
    ("the zipper broke the first time I wore it") neutral, so silver data
    pulls everyday complaints toward neutral. Ties keep the smallest offset."""
    rows = heldout_rows("dev-everyday.tsv")
    logits, gold = logits_of(m, tok, rows)
    n = LABELS.index("neutral")

    def acc(b):
        shifted = logits.clone()
        shifted[:, n] -= b
        return float((shifted.argmax(-1) == gold).float().mean())

    grid = [k / 4 for k in range(-4, 17)]
    best = max(grid, key=lambda b: (acc(b), -abs(b)))
    with torch.no_grad():
        m.classifier.bias[n] -= best
    log(f"neutral offset {best:+.2f}: dev-everyday accuracy {acc(0.0):.4f} -> {acc(best):.4f}")
    return {"neutral_offset": f"{best:.2f}", "dev_everyday_accuracy_before": f"{acc(0.0):.4f}",
            "dev_everyday_accuracy": f"{acc(best):.4f}", "dev_everyday_sentences": str(len(rows))}


def finish(m, tok, step, dev, held, neutral):
    extra = calibrate(m, tok, dev, held, neutral)
    if not SOFT:
        extra.update(neutral_offset(m, tok))
        held_logits, held_gold = logits_of(m, tok, held + neutral)
        extra["ece_heldout_final"] = f"{ece(held_logits, held_gold):.4f}"
    else:
        extra["neutral_training"] = "50/50 soft targets"
        extra["calm_below"] = "0.75"
    neutral_share, calm_share = neutral_scores(m, tok, neutral)
    extra.update({"labels": ",".join(OUT), "heldout_neutral_predicted": f"{neutral_share:.4f}",
                  "heldout_neutral_calm": f"{calm_share:.4f}", "heldout_neutral_sentences": str(len(neutral))})
    export(m, step, (accuracy(m, tok, held)[0], len(held)), extra)


if __name__ == "__main__":
    main()
