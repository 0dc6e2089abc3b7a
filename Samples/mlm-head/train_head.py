"""Trains a masked-LM head for all-MiniLM-L6-v2 (which ships without one),
together with its top encoder layers, and exports a small overlay checkpoint
that BertScope applies to the default model.

Recipe: BERT's masking (15% of tokens chosen; of those 80% -> [MASK], 10% ->
a random token, 10% kept; with WWM=1, whole words are chosen as BERT's
whole-word-masking models were: every piece of a chosen word gets the same
fate), a new `cls.predictions` head (dense -> GELU ->
LayerNorm -> decoder tied to the frozen word embeddings + bias, the bias
initialised to log unigram frequencies), AdamW with warm-up and linear decay,
lr 1e-3 for the head and 1e-4 for the top TRAIN_LAYERS encoder layers; the
embeddings and lower layers stay frozen, so the overlay holds only what changed.

Checkpoints are chosen on cloze-dev.tsv + cloze-dev-more.tsv (top-5, then
top-1); cloze.tsv and cloze-more.tsv (held out) and factual.tsv are measured
only at export, into the overlay's metadata (`--evaluate` rewrites the shipped
overlay's figures without training).
Resumable: a checkpoint is written every EVAL_EVERY steps; rerunning continues.
Usage (venv with torch, transformers, safetensors; data from prepare_data.py):
  python train_head.py DATA_DIR WORK_DIR [TOTAL_STEPS]
Writes WORK_DIR/train.log, WORK_DIR/ckpt.pt and, at the end (or with
--export), Samples/mlm-head/minilm-mlm-overlay.safetensors.
"""
import json
import math
import os
import random
import sys
import time

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertForMaskedLM, BertModel, BertTokenizerFast

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
DATA, WORK = (ARGS + [None, None])[:2]  # --evaluate needs neither
TOTAL = int(ARGS[2]) if len(ARGS) > 2 and ARGS[2].isdigit() else 6000
EXPORT_ONLY = "--export" in sys.argv
# Measures the shipped overlay on every set and rewrites its metadata (tensors unchanged).
EVALUATE_ONLY = "--evaluate" in sys.argv
# Start from the shipped overlay instead of a new head (continued training).
INIT_OVERLAY = "--init-overlay" in sys.argv
PREVIOUS_META = {}  # the shipped overlay's metadata, when continuing from it
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import training_common as common  # noqa: E402  (Samples/training_common.py)
# TRAIN_LAYERS=4 also retrains the layer below the shipped overlay's three (with --init-overlay, from the base).
TRAIN_LAYERS = int(os.environ.get("TRAIN_LAYERS", "3"))
BATCH, MAX_LEN, EVAL_EVERY, SEED = 32, 64, 250, 1234
WEIGHTS = {"wordnet-examples": 3.0, "austen": 1.5, "wordnet-glosses": 1.0, "fortunes": 1.0,
           "bible": 0.5, "linux-doc": 0.5, "gcide-quotes": 1.0, "wordnet-definitions": 2.0}
# SOURCES=a,b keeps only those texts of DATA (the shipped head's runs: see Samples/mlm-head/README.md).
SOURCES = [s for s in os.environ.get("SOURCES", "").split(",") if s]
if set(SOURCES) - set(WEIGHTS):
    sys.exit(f"SOURCES: unknown {sorted(set(SOURCES) - set(WEIGHTS))}; known: {', '.join(WEIGHTS)}")
WWM = os.environ.get("WWM", "0") == "1"
torch.set_num_threads(int(os.environ.get("THREADS", "2")))


model_dir = common.model_dir


def log(msg):
    common.log(WORK, msg)


def load_corpus(tok):
    sources = {}
    for name in list(WEIGHTS):
        if not os.path.exists(os.path.join(DATA, name + ".txt")) or (SOURCES and name not in SOURCES):
            WEIGHTS.pop(name)  # older data folders have no fortunes.txt
            continue
        lines = [l.strip() for l in open(os.path.join(DATA, name + ".txt"), encoding="utf-8") if l.strip()]
        sources[name] = lines
    return sources


def build_model(tok):
    base = BertModel.from_pretrained(model_dir(), attn_implementation="eager")
    cfg = BertConfig.from_pretrained(model_dir(), attn_implementation="eager")
    cfg.tie_word_embeddings = True
    m = BertForMaskedLM(cfg)
    m.bert.load_state_dict(base.state_dict(), strict=False)
    m.tie_weights()
    for p in m.parameters():
        p.requires_grad = False
    L = cfg.num_hidden_layers
    head = list(m.cls.predictions.transform.parameters()) + [m.cls.predictions.bias]
    layers = [p for i in range(L - TRAIN_LAYERS, L) for p in m.bert.encoder.layer[i].parameters()]
    for p in head + layers:
        p.requires_grad = True
    return m, head, layers


def unigram_bias(tok, sources, vocab_size):
    counts = torch.ones(vocab_size)
    sample = [s for lines in sources.values() for s in lines[::20]]
    for ids in tok(sample, add_special_tokens=False)["input_ids"]:
        counts += torch.bincount(torch.tensor(ids, dtype=torch.long), minlength=vocab_size)[:vocab_size].float()
    return torch.log(counts / counts.sum())


def mask_batch(ids, tok, gen):
    """BERT's corruption: returns (inputs, labels)."""
    labels = ids.clone()
    special = (ids == tok.cls_token_id) | (ids == tok.sep_token_id) | (ids == tok.pad_token_id)
    if WWM:
        # One draw per word, shared by its pieces: the chosen set and the 80/10/10 fate.
        chosen = whole_word_chosen(ids, tok, gen, 0.15) & ~special
        fate_mask = whole_word_chosen(ids, tok, gen, 0.8)
        fate_random = whole_word_chosen(ids, tok, gen, 0.5)
    else:
        prob = torch.full(ids.shape, 0.15)
        prob[special] = 0
        chosen = torch.bernoulli(prob, generator=gen).bool()
        fate_mask = torch.bernoulli(torch.full(ids.shape, 0.8), generator=gen).bool()
        fate_random = torch.bernoulli(torch.full(ids.shape, 0.5), generator=gen).bool()
    labels[~chosen] = -100
    inputs = ids.clone()
    to_mask = fate_mask & chosen
    inputs[to_mask] = tok.mask_token_id
    to_random = fate_random & chosen & ~to_mask
    inputs[to_random] = torch.randint(1000, len(tok), ids.shape, generator=gen)[to_random]
    return inputs, labels


def sample_batch(tok, sources, rng):
    names = list(WEIGHTS)
    weights = [WEIGHTS[n] for n in names]
    texts = [rng.choice(sources[rng.choices(names, weights)[0]]) for _ in range(BATCH)]
    enc = tok(texts, padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def whole_word_chosen(ids, tok, gen, rate):
    """A (B, T) mask of chosen tokens, words chosen at `rate` with all their pieces."""
    table = continuation_table(tok)
    start = ~table[ids]
    pos = torch.arange(ids.shape[1]).expand_as(ids)
    first = torch.cummax(torch.where(start, pos, torch.zeros_like(pos)), dim=1).values
    draw = torch.rand(ids.shape, generator=gen) < rate
    return torch.gather(draw, 1, first)


_CONTINUATION = {}


def continuation_table(tok):
    if "t" not in _CONTINUATION:
        pieces = tok.convert_ids_to_tokens(list(range(len(tok))))
        _CONTINUATION["t"] = torch.tensor([p.startswith("##") for p in pieces])
    return _CONTINUATION["t"]


# The sets checkpoints and recipes are chosen by (194 sentences), and those only reported.
DEV = ("cloze-dev.tsv", "cloze-dev-more.tsv")


def cloze(m, tok, names=DEV):
    names = (names,) if isinstance(names, str) else names
    rows = [l.rstrip("\n").split("\t") for name in names for l in open(os.path.join(HERE, name), encoding="utf-8")
            if l.strip() and not l.startswith("#")]
    top1 = top5 = 0
    m.eval()
    with torch.no_grad():
        for sentence, answers in rows:
            ok = {a.strip().lower() for a in answers.split(",")}
            enc = tok(sentence, return_tensors="pt")
            pos = (enc["input_ids"][0] == tok.mask_token_id).nonzero()[0, 0]
            logits = m(**enc).logits[0, pos]
            best = [tok.convert_ids_to_tokens(int(i)) for i in logits.topk(5).indices]
            top1 += best[0] in ok
            top5 += any(b in ok for b in best)
    m.train()
    return top1 / len(rows), top5 / len(rows), len(rows)


SOURCE_NAMES = {"wordnet-examples": "WordNet 3.0 examples", "wordnet-glosses": "WordNet 3.0 glosses",
                "austen": "Jane Austen's novels (r-cran-janeaustenr)", "fortunes": "fortunes",
                "bible": "the World English Bible (sword-text-web)", "linux-doc": "kernel documentation prose (linux-doc-6.1)",
                "gcide-quotes": "GCIDE quotations (dict-gcide)",
                "wordnet-definitions": "WordNet 3.0 definitions with the words they define"}


def figures(m):
    """Every set's (top-1, top-5, sentences) under the metadata's keys."""
    tok = tok_of(m)
    return {"dev": cloze(m, tok), "cloze": cloze(m, tok, "cloze.tsv"), "cloze_more": cloze(m, tok, "cloze-more.tsv"),
            "factual": cloze(m, tok, "factual.tsv")}


def figure_meta(f):
    out = {}
    for key, (t1, t5, n) in f.items():
        out.update({f"{key}_top1": f"{t1:.3f}", f"{key}_top5": f"{t5:.3f}", f"{key}_sentences": str(n)})
    return out


def export(m, step):
    """Writes the overlay with its figures: dev (chose it), the held-out sets and factual (reported)."""
    with torch.no_grad():  # the figures are the F16 file's, as BertScope reads it
        for p in m.parameters():
            if p.requires_grad:
                p.copy_(p.half().float())
    f = figures(m)
    sd = m.state_dict()
    L = m.config.num_hidden_layers
    keep = {}
    for k, v in sd.items():
        layer_ok = any(k.startswith(f"bert.encoder.layer.{i}.") for i in range(L - TRAIN_LAYERS, L))
        head_ok = k.startswith("cls.predictions.transform.") or k == "cls.predictions.bias"
        if layer_ok or head_ok:
            # Named as in the base model's file (BertModel: no "bert." prefix), so
            # the overlay's tensors replace the base's one for one.
            keep[k.removeprefix("bert.")] = v.detach().to(torch.float16).contiguous()
    meta = {"bertscope_overlay": "masked-LM head for all-MiniLM-L6-v2, trained by BertScope on public-domain text",
            "base_model": "sentence-transformers/all-MiniLM-L6-v2", "steps": str(step),
            **figure_meta(f),
            "whole_word_masking": "yes" if WWM else "no",
            "trained_layers": ",".join(str(i) for i in range(L - TRAIN_LAYERS, L)),
            "data": ", ".join(SOURCE_NAMES.get(n, n) for n in WEIGHTS)}
    if INIT_OVERLAY:
        previous = PREVIOUS_META.get("steps", "?")
        meta["steps"] = f"{previous}+{step}"
        meta["continued"] = f"from the shipped overlay ({previous} steps), learning rates x{os.environ.get('LR_SCALE', '1')}"
    path = os.path.join(HERE, "minilm-mlm-overlay.safetensors")
    save_file(keep, path, metadata=meta)
    log(f"exported {len(keep)} tensors to {path} ({os.path.getsize(path) / 1e6:.1f} MB): {meta}")


_TOKENIZER = {}


def tok_of(m):
    if "t" not in _TOKENIZER:
        _TOKENIZER["t"] = BertTokenizerFast.from_pretrained(model_dir())
    return _TOKENIZER["t"]


def save_state(path, m, **extra):
    trainable = {k: v for k, v in m.state_dict().items() if "encoder.layer" in k or k.startswith("cls.")}
    torch.save({"model": trainable, **extra}, path + ".tmp")
    os.replace(path + ".tmp", path)


def evaluate():
    """The shipped overlay on every set, its metadata rewritten with the figures (tensors unchanged)."""
    from safetensors import safe_open
    from safetensors.torch import load_file
    tok = BertTokenizerFast.from_pretrained(model_dir())
    m, _, _ = build_model(tok)
    path = os.path.join(HERE, "minilm-mlm-overlay.safetensors")
    meta = safe_open(path, "pt").metadata() or {}
    overlay = load_file(path)
    m.load_state_dict({(k if k.startswith("cls.") else "bert." + k): v.float() for k, v in overlay.items()}, strict=False)
    f = figures(m)
    print(json.dumps({k: list(v) for k, v in f.items()}))
    meta.update(figure_meta(f))
    save_file(overlay, path, metadata=meta)


def main():
    if EVALUATE_ONLY:
        return evaluate()
    os.makedirs(WORK, exist_ok=True)
    random.seed(SEED)
    torch.manual_seed(SEED)
    tok = BertTokenizerFast.from_pretrained(model_dir())
    m, head, layers = build_model(tok)
    sources = load_corpus(tok)
    # Continued training (--init-overlay) wants smaller steps: LR_SCALE=0.2 keeps what the head learnt.
    scale = float(os.environ.get("LR_SCALE", "1"))
    opt = torch.optim.AdamW([{"params": head, "lr": 1e-3 * scale}, {"params": layers, "lr": 1e-4 * scale}],
                            weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 200) * max(0.05, 1 - s / TOTAL))
    step, rng, gen, best = 0, random.Random(SEED), torch.Generator().manual_seed(SEED), (-1.0, -1.0)
    ckpt, best_path = os.path.join(WORK, "ckpt.pt"), os.path.join(WORK, "best.pt")
    if os.path.exists(ckpt):
        state = torch.load(ckpt, weights_only=False)
        m.load_state_dict(state["model"], strict=False)
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        rng.setstate(state["rng"])
        gen.set_state(state["gen"])
        best = tuple(state.get("best", best))
        PREVIOUS_META.update(state.get("previous_meta", {}))
        log(f"resumed at step {step}")
    elif INIT_OVERLAY:
        from safetensors import safe_open
        from safetensors.torch import load_file
        path = os.path.join(HERE, "minilm-mlm-overlay.safetensors")
        PREVIOUS_META.update(safe_open(path, "pt").metadata() or {})
        overlay = load_file(path)
        state = {(k if k.startswith("cls.") else "bert." + k): v.float() for k, v in overlay.items()}
        result = m.load_state_dict(state, strict=False)
        assert not result.unexpected_keys, result.unexpected_keys
        t1, t5, _ = cloze(m, tok)
        log(f"start from the shipped overlay: dev cloze top1/top5 {t1:.3f}/{t5:.3f}")
        # The shipped overlay competes too: a run that never beats it exports nothing.
        best = (t5, t1)
        save_state(best_path, m, step=0)
    else:
        with torch.no_grad():
            m.cls.predictions.bias.copy_(unigram_bias(tok, sources, m.config.vocab_size))
        log(f"start: dev cloze top1/top5 {cloze(m, tok)[:2]}")
    if EXPORT_ONLY:
        return finish(m, step, best_path)
    m.train()
    running, t0 = 0.0, time.time()
    while step < TOTAL:
        ids, attn = sample_batch(tok, sources, rng)
        inputs, labels = mask_batch(ids, tok, gen)
        # The vocabulary projection runs only at the chosen positions (~15%):
        # it dominates the cost when applied to every token.
        hidden = m.bert(input_ids=inputs, attention_mask=attn).last_hidden_state
        chosen = labels != -100
        logits = m.cls(hidden[chosen])
        loss = torch.nn.functional.cross_entropy(logits, labels[chosen])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(head + layers, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % EVAL_EVERY == 0 or step == TOTAL:
            t1, t5, n = cloze(m, tok)
            log(f"step {step} loss {running:.3f} dev cloze top1 {t1:.3f} top5 {t5:.3f} ({(time.time() - t0) / EVAL_EVERY:.2f} s/step)")
            t0 = time.time()
            if (t5, t1) > best:
                best = (t5, t1)
                save_state(best_path, m, step=step)
            save_state(ckpt, m, opt=opt.state_dict(), sched=sched.state_dict(), step=step, rng=rng.getstate(),
                       gen=gen.get_state(), best=best, previous_meta=PREVIOUS_META)
    finish(m, step, best_path)


def finish(m, step, best_path):
    """Exports the checkpoint the dev set chose (the last one when there is none)."""
    if os.path.exists(best_path):
        state = torch.load(best_path, weights_only=False)
        m.load_state_dict(state["model"], strict=False)
        step = state["step"]
        log(f"best dev checkpoint: step {step}")
    if INIT_OVERLAY and step == 0:
        return log("no checkpoint beat the shipped overlay on the dev set: it stays")
    export(m, step)


if __name__ == "__main__":
    main()
