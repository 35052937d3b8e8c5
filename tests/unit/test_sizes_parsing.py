"""Unit tests for every size source: name table, page JSON/text, config arithmetic, README statements."""

from __future__ import annotations

import html
import json

import pytest

from llmbench.parsing.sizes import (
    size_from_config,
    size_from_name,
    size_from_page_json,
    size_from_page_text,
    size_from_readme,
)

# (repo id, expected count or None): docs/model-sizes.md §3 plus the issue's tricky cases.
NAMES = [
    ("mistralai/Mixtral-8x7B-Instruct-v0.1", 56_000_000_000),
    ("mistralai/Mixtral-8x22B-v0.1", 176_000_000_000),
    ("Qwen/Qwen2.5-1.5B-Instruct", 1_500_000_000),
    ("Qwen/Qwen2.5-0.5B", 500_000_000),
    ("facebook/opt-350m", 350_000_000),
    ("Qwen/Qwen2-0.5B-Instruct", 500_000_000),
    ("someone/Qwen2.5-0.5b", 500_000_000),
    ("meta-llama/Llama-2-70b-chat-hf", 70_000_000_000),
    ("state-spaces/mamba-2.8b-hf", 2_800_000_000),
    ("bigscience/bloom-7b1", 7_100_000_000),
    ("bigscience/bloom-1b7", 1_700_000_000),
    ("smallcloudai/Refact-1_6B-fim", 1_600_000_000),
    ("delphi-suite/stories-llama2-50k", 50_000),
    ("HuggingFaceTB/SmolLM2-135M-Instruct", 135_000_000),
    ("HuggingFaceTB/SmolLM2-135M", 135_000_000),
    ("EleutherAI/pythia-160m", 160_000_000),
    ("Qwen/Qwen2-57B-A14B-Instruct", 57_000_000_000),
    ("Qwen/Qwen3-Coder-30B-A3B-Instruct", 30_000_000_000),
    ("Qwen/Qwen1.5-MoE-A2.7B-Chat", None),  # active parameters only
    ("microsoft/Phi-3-mini-4k-instruct", None),  # 4k is the context length
    ("internlm/internlm2_5-7b-chat-1m", 7_000_000_000),
    ("abacaj/llama-161M-100B", 161_000_000),  # 100B is the token count
    ("TheBloke/DiscoLM-120b-GPTQ", 120_000_000_000),
    ("mlx-community/Llama-3.2-3B-Instruct-4bit", 3_000_000_000),
    ("openai-community/gpt2", None),
    ("openai-community/gpt2-xl", None),  # a word size, no number
    ("microsoft/phi-2", None),  # "2" is a version
    ("google/gemma-3n-E4B-it", None),  # effective size
    ("unsloth/Llama_3_8B", None),  # underscores are not split
    ("mistralai/Mistral-Nemo-Instruct-2407", None),
    ("meta-llama/Llama-3.1-405B", 405_000_000_000),  # 3.1 is a version
    ("meta-llama/Llama-3.1-8B-Instruct", 8_000_000_000),
    ("google-bert/bert-base-uncased", None),
    ("someone/mistral7b-instruct", None),  # a "7b" inside another word
    ("01-ai/Yi-1.5-34B-Chat", 34_000_000_000),  # 1.5 is a version
    ("tiiuae/falcon-40b", 40_000_000_000),
]


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_name_table(name, expected):
    finding = size_from_name(name)
    assert finding.params == expected, finding.note
    assert finding.exact is False
    if expected is None:
        assert finding.note


def page(model: dict, sidebar: str = "") -> str:
    props = html.escape(json.dumps({"activeTab": "files", "model": model}), quote=True)
    return (f'<html><body><div class="SVELTE_HYDRATER contents" data-target="ModelHeader" data-props="{props}"></div>'
            f"<section>{sidebar}</section></body></html>")


def test_page_json_safetensors_and_gguf():
    found = size_from_page_json(page({"safetensors": {"parameters": {"BF16": 30532122624}, "total": 30532122624,
                                                      "sharded": True}}))
    assert found.params == 30532122624 and found.exact
    found = size_from_page_json(page({"gguf": {"total": 7241732096, "architecture": "llama"}}))
    assert found.params == 7241732096 and found.note == "gguf.total"
    assert size_from_page_json("<html></html>").params is None


def test_quantized_pages_under_report_and_are_rejected():
    model = {"safetensors": {"parameters": {"I32": 14664900864, "F16": 550072320}, "total": 15214973184},
             "tags": ["4-bit"]}
    found = size_from_page_json(page(model, "Model size 15.2B params"))
    assert found.params is None and "quantized" in found.note
    assert size_from_page_text(page(model, "Model size 15.2B params")).params is None
    mlx = {"safetensors": {"parameters": {"BF16": 1, "U32": 2}, "total": 3}, "isQuantized": True}
    assert size_from_page_json(page(mlx)).params is None


def test_page_text_when_there_is_no_json():
    text = "<html><body><div>Safetensors</div><div>Model size</div><div>16.4M params</div></body></html>"
    found = size_from_page_text(text)
    assert found.params == 16_400_000 and not found.exact
    assert size_from_page_text("<html><body>nothing</body></html>").params is None


def test_config_estimate_llama_3_8b():
    config = {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "intermediate_size": 14336,
              "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256, "tie_word_embeddings": False}
    found = size_from_config(config)
    assert abs(found.params - 8_030_261_248) / 8_030_261_248 < 0.001  # Meta-Llama-3-8B's safetensors total
    assert not found.exact


def test_config_estimate_gpt2_small():
    config = {"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12, "vocab_size": 50257}
    found = size_from_config(config)
    assert abs(found.params - 124_439_808) / 124_439_808 < 0.01  # gpt2's real count (without positions: ~0.6%)


def test_config_without_dimensions_or_family():
    assert size_from_config({"model_type": "llama"}).params is None
    assert "not a supported family" in size_from_config({"model_type": "t5", "d_model": 512}).note


@pytest.mark.parametrize(("text", "expected"), [
    ("---\nlicense: mit\n---\n# M\nThis model has 7B parameters.", 7_000_000_000),
    ("A 1.5 billion parameter model", 1_500_000_000),
    ("It is a 350M-parameter model", 350_000_000),
    ("Trained on 2T tokens with 128k context.", None),
    ("---\nbase_model: x/y-7B\n---\nno statement", None),
])
def test_readme_statements(text, expected):
    assert size_from_readme(text).params == expected
