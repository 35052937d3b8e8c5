"""The `apps=` and `inference=` filters of `/api/models` (huggingface_hub 2.4 sends both, `list_models(apps=…,
inference=…)`), applied as the Hub applies them.

`apps`: a model is listed for a local app when the Hub's model page offers it ("Use this model"), decided by
the app's `displayOnModelPage` in huggingface.js `packages/tasks/src/local-apps.ts`, reproduced below for the
apps that run text models: GGUF apps want `gguf.context_length`; vLLM/SGLang a transformers (or
GPTQ/AWQ) text-generation or image-text-to-text model (vLLM GGUF too); TGI the `text-generation-inference`
tag; MLX LM and LM Studio the `mlx` tag (LM Studio GGUF too). Several apps: models any of them runs
(inferred). `inference=warm`: models currently served by a provider (the `inference` field, hub docs'
expand example `{"id": "google/gemma-3-27b-it", "inference": "warm"}`).

Values outside these sets are answered with 400 and the allowed values, as the Hub answers an unknown
`expand` value (docs/hub-api.md §2); that the Hub also rejects unknown apps this way is an **inference**: no such
answer was recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

INFERENCE_VALUES = ("warm",)


def _gguf(api: dict[str, Any]) -> bool:
    return bool((api.get("gguf") or {}).get("context_length"))


def _quant_method(api: dict[str, Any]) -> str | None:
    return ((api.get("config") or {}).get("quantization_config") or {}).get("quant_method")


def _text_task(api: dict[str, Any]) -> bool:
    return api.get("pipeline_tag") in ("text-generation", "image-text-to-text")


def _served_weights(api: dict[str, Any]) -> bool:
    return _quant_method(api) in ("awq", "gptq", "aqlm", "marlin") or "transformers" in api.get("tags", [])


def _mlx(api: dict[str, Any]) -> bool:
    return "mlx" in api.get("tags", [])


APPS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "llama.cpp": _gguf,
    "node-llama-cpp": _gguf,
    "ollama": _gguf,
    "jan": _gguf,
    "localai": _gguf,
    "docker-model-runner": lambda a: _gguf(a) or ((_served_weights(a) or _gguf(a)) and _text_task(a)),
    "vllm": lambda a: (_served_weights(a) or _gguf(a)) and _text_task(a),
    "sglang": lambda a: _served_weights(a) and _text_task(a),
    "tgi": lambda a: "text-generation-inference" in a.get("tags", []),
    "mlx-lm": lambda a: a.get("pipeline_tag") == "text-generation" and _mlx(a),
    "lmstudio": lambda a: _gguf(a) or _mlx(a),
}


def apps_and_inference(query: Any) -> Callable[[dict[str, Any]], bool] | None:
    """A test on a model's API record for the `apps` and `inference` parameters (None when neither is
    given); raises ValueError naming the allowed values for one it does not know."""
    apps = [name for value in query.getall("apps", []) for name in value.split(",") if name]
    inference = query.get("inference")
    unknown = [name for name in apps if name not in APPS]
    if unknown:
        raise ValueError(f'"apps" must be one of [{",".join(APPS)}]')
    if inference is not None and inference not in INFERENCE_VALUES:
        raise ValueError(f'"inference" must be one of [{",".join(INFERENCE_VALUES)}]')
    if not apps and inference is None:
        return None

    def test(api: dict[str, Any]) -> bool:
        if inference is not None and api.get("inference") != inference:
            return False
        return not apps or any(APPS[name](api) for name in apps)

    return test
