"""Gradient and attribution goldens for `bertscope explain`, from torch
autograd and Captum on the committed tiny checkpoints (sequence classifiers
of every family, and masked-LMs):

- the target: the predicted class (the top prediction at the first mask for a
  masked-LM) and its logit;
- grad: d logit / d e, e = the word-embedding lookup's output (n, e);
- grad_input: sum over e of grad * e; gradient_norm: ||grad||_2 per token;
- integrated_gradients: Captum's LayerIntegratedGradients on the word
  embeddings, method="gausslegendre", n_steps=STEPS, baseline = the same ids
  with every non-special token replaced by the pad token, summed over e; its
  convergence delta, and the completeness gap against the path's own α = 0
  end (equal to the delta except for RoBERTa, whose pad ids move positions);
- occlusion: for each word, logit(x) - logit(x with its pieces replaced by
  the mask token), given to every piece of the word (special tokens 0).

Writes attribution_goldens.json and attribution_goldens.safetensors (the
gradients) into each model folder.
  BERTSCOPE_FIXTURE_VENV=... python Tests/Fixtures/make_attribution_goldens.py [MODEL…]
"""
import json
import os
import sys

import torch
import transformers
from captum.attr import LayerIntegratedGradients
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_ablation_goldens import load_model  # noqa: E402
from make_task_heads import inputs  # noqa: E402

STEPS = 16
SEQUENCE = ["heads/bert-sequence", "heads/distilbert-sequence", "heads/roberta-sequence", "heads/xlm-roberta-sequence",
            "heads/albert-sequence", "heads/electra-sequence", "heads/deberta-v3-sequence", "heads/bert-sequence-multi",
            "heads/camembert-sequence", "heads/deberta-v2-sequence", "tiny-modernbert-cls", "tiny-modernbert-cls-mean"]
MASKED = ["tiny-bert-mlm-f16", "tiny-distilbert-mlm", "tiny-roberta-mlm", "tiny-albert-pretraining",
          "tiny-deberta-v3-mlm", "tiny-electra-generator", "tiny-modernbert-mlm"]
TEXTS = ["The movie was absolutely terrible.", "BERT reads a sentence in both directions at once."]


def word_embeddings(model):
    return model.get_input_embeddings()


def main():
    torch.manual_seed(0)
    for name in sys.argv[1:] or SEQUENCE + MASKED:
        d = os.path.join(HERE, "models", name)
        model, tok = load_model(d)
        masked = name in MASKED
        out, tensors = {"versions": {"torch": torch.__version__, "transformers": transformers.__version__},
                        "steps": STEPS, "cases": []}, {}
        for i, text in enumerate(TEXTS):
            if masked:
                words = text.split()
                words[1] = tok.mask_token
                text = " ".join(words)
            enc, _, special = inputs(model, tok, text)
            ids = enc["input_ids"]
            extra = {k: v for k, v in enc.items() if k not in ("input_ids", "attention_mask")}

            def logits_of(input_ids=None, inputs_embeds=None):
                kw = {k: v.expand(input_ids.shape[0] if input_ids is not None else inputs_embeds.shape[0], -1)
                      for k, v in extra.items()}
                res = model(input_ids=input_ids, inputs_embeds=inputs_embeds, **kw)
                return res.prediction_logits if hasattr(res, "prediction_logits") else res.logits

            with torch.no_grad():
                logits = logits_of(ids)[0]
            if masked:
                pos = int((ids[0] == tok.mask_token_id).nonzero()[0, 0])
                target = int(logits[pos].argmax())
                pick = lambda l: l[:, pos, target]  # noqa: E731
            else:
                pos, target = None, int(logits.argmax())
                pick = lambda l: l[:, target]  # noqa: E731
            # d logit / d e through a hook on the word-embedding output.
            captured = {}
            def keep(module, args, output):
                output.retain_grad()
                captured["e"] = output
            h = word_embeddings(model).register_forward_hook(keep)
            value = pick(logits_of(ids))[0]
            value.backward()
            h.remove()
            e, grad = captured["e"][0].detach(), captured["e"].grad[0].detach()
            # Integrated gradients, Captum, Gauss-Legendre.
            baseline = ids.clone()
            pad = tok.pad_token_id
            for j, s in enumerate(special):
                if not s:
                    baseline[0, j] = pad
            lig = LayerIntegratedGradients(lambda x: pick(logits_of(x)), word_embeddings(model))
            ig, delta = lig.attribute(ids, baselines=baseline, n_steps=STEPS, method="gausslegendre",
                                      return_convergence_delta=True)
            # Occlusion per word.
            word_ids = enc.word_ids(0) if hasattr(enc, "word_ids") else [None] * ids.shape[1]
            occl = [0.0] * ids.shape[1]
            with torch.no_grad():
                for w in sorted({x for j, x in enumerate(word_ids) if x is not None and not special[j]}):
                    pieces = [j for j, x in enumerate(word_ids) if x == w and not special[j]]
                    occluded = ids.clone()
                    occluded[0, pieces] = tok.mask_token_id
                    drop = float(value) - float(pick(logits_of(occluded))[0])
                    for j in pieces:
                        occl[j] = drop
            with torch.no_grad():
                base_value = float(pick(logits_of(baseline))[0])
                # The path's α = 0 end: baseline word embeddings at the input's positions. For RoBERTa
                # this differs from running the pad ids (pads get position padding_idx), which Captum's delta uses.
                path_value = float(pick(logits_of(inputs_embeds=word_embeddings(model)(baseline)))[0])
            tensors[f"case{i}.grad"] = grad.contiguous().float()
            out["cases"].append({
                "text": text, "ids": ids[0].tolist(), "target": target, "position": pos, "logit": float(value),
                "baseline_logit": base_value, "baseline_path_logit": path_value,
                "completeness_gap": float(ig[0].sum()) - (float(value) - path_value),
                "grad_input": (grad * e).sum(-1).tolist(), "gradient_norm": grad.norm(dim=-1).tolist(),
                "integrated_gradients": ig[0].sum(-1).tolist(), "ig_delta": float(delta[0]), "occlusion": occl})
        with open(os.path.join(d, "attribution_goldens.json"), "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False)
            f.write("\n")
        save_file(tensors, os.path.join(d, "attribution_goldens.safetensors"))
        print(name, "ok")


if __name__ == "__main__":
    sys.exit(main())
