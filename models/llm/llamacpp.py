"""llama.cpp engine (llama-cpp-python): one model per process, loaded lazily, calls serialised.

Grammars compiled from JSON schemas are cached (compiling one costs more than a short reply), and
llama.cpp reuses the KV cache of the longest common prompt prefix, so a fixed system prompt is
evaluated once (llama-cpp's RAM state cache was tried: saving 60 MB of state per call cost more than
it saved).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from models.llm.engine import LLMEngine, LLMUnavailable, Message
from models.llm.grammar_first import GrammarFirst

N_CTX = 2048
# Free-text values (a prompt, a comment) are bounded in the grammar so a reply always ends; maxLength in
# a schema would unroll into one nested rule per character.
MAX_STRING_CHARS = 240
_STRING = 'string ::= "\\"" char* "\\"" space'
_SHORT_STRING = f'string ::= "\\"" char{{0,{MAX_STRING_CHARS}}} "\\"" space'
# On 2 shared cores, spinning OpenMP workers starve each other (and everyone else); sleep instead.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _load(llama_cpp: Any, gguf: Path, n_ctx: int, n_threads: int) -> Any:
    # Weight repacking into "extra" CPU buffers (AMX / repacked Q4_K kernels) segfaults in batched decode
    # on this kind of VM (llama-cpp-python 0.3.36 native build): load without them. Llama() has no
    # argument for it, so the default-params factory is wrapped for the duration of this load only.
    low = llama_cpp.llama_cpp
    original = low.llama_model_default_params

    def params() -> Any:
        p = original()
        p.use_extra_bufts = os.environ.get("STUDIO_LLM_EXTRA_BUFFERS") == "1"
        return p

    low.llama_model_default_params = params
    try:
        llm = llama_cpp.Llama(model_path=str(gguf), n_ctx=n_ctx, n_threads=n_threads, n_batch=256, verbose=False)
    except (ValueError, RuntimeError) as err:
        raise LLMUnavailable(f"llama.cpp cannot load {gguf}: {err}") from err
    finally:
        low.llama_model_default_params = original
    return llm


def machine_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class LlamaCppEngine(LLMEngine):
    def __init__(self, gguf: Path, n_ctx: int = N_CTX, n_threads: int | None = None) -> None:
        self.gguf = gguf
        self.name = gguf.name
        self.n_ctx = n_ctx
        self.n_threads = n_threads or machine_threads()
        self._llm: Any = None
        self._grammars: dict[str, Any] = {}
        self._formatter: Any = None
        self._lock = threading.RLock()
        # Greedy constrained replies check the top token first (models/llm/grammar_first.py); False = the
        # stock full-vocabulary grammar sampler (bench/llm_grammar.py compares the two).
        self.grammar_first = True

    def _model(self) -> Any:
        with self._lock:
            if self._llm is None:
                try:
                    import llama_cpp
                except ImportError as err:
                    raise LLMUnavailable("llama-cpp-python is not installed: run scripts/setup.sh "
                                         "(pip install llama-cpp-python==0.3.36)") from err
                if not self.gguf.is_file():
                    raise LLMUnavailable(f"no GGUF at {self.gguf}: set STUDIO_LLM_GGUF or run `studio models prepare`")
                self._llm = _load(llama_cpp, self.gguf, self.n_ctx, self.n_threads)
            return self._llm

    def _grammar(self, schema: dict[str, Any]) -> Any:
        key = json.dumps(schema)  # property order matters: the model writes them in this order
        if key not in self._grammars:
            from llama_cpp.llama_grammar import LlamaGrammar, json_schema_to_gbnf

            gbnf = json_schema_to_gbnf(key).replace(_STRING, _SHORT_STRING)
            self._grammars[key] = LlamaGrammar.from_string(gbnf, verbose=False)
            while len(self._grammars) > 256:  # narrowed schemas vary per request
                self._grammars.pop(next(iter(self._grammars)))
        return self._grammars[key]

    def _prompt(self, messages: list[Message]) -> tuple[str, list[str]]:
        """The chat template of the GGUF applied to messages, ready for the assistant's reply."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        if self._formatter is None:
            llm = self._model()
            meta = llm.metadata
            self._formatter = Jinja2ChatFormatter(
                template=meta["tokenizer.chat_template"],
                eos_token=llm._model.token_get_text(llm.token_eos()),
                bos_token=llm._model.token_get_text(llm.token_bos()))
        out = self._formatter(messages=list(messages))
        stop = out.stop if isinstance(out.stop, list) else [out.stop] if out.stop else []
        return out.prompt, stop

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, prefix: str = "",
                      max_tokens: int = 160, temperature: float = 0.0) -> str:
        with self._lock:
            prompt, stop = self._prompt(messages)
            llm, grammar = self._model(), self._grammar(schema)
            if temperature > 0 or not self.grammar_first:
                out = llm.create_completion(prompt + prefix, grammar=grammar, max_tokens=max_tokens,
                                            temperature=temperature, stop=stop)
            else:
                from llama_cpp import LogitsProcessorList

                guide = GrammarFirst(llm, grammar)
                try:
                    out = llm.create_completion(prompt + prefix, logits_processor=LogitsProcessorList([guide]),
                                                max_tokens=max_tokens, temperature=0.0, stop=stop)
                finally:
                    guide.close()
        return str(out["choices"][0]["text"] or "")

    def choose(self, messages: list[Message], options: list[str], *, prefix: str = "") -> str:
        """The option the model starts to write: sampling stops once the reply fits one option only
        ('"find' -> find_similar), saving the forward passes of the name's forced remainder."""
        if not self.grammar_first:
            return super().choose(messages, options, prefix=prefix)
        from llama_cpp import LogitsProcessorList, StoppingCriteriaList

        written = [json.dumps(o) for o in options]
        with self._lock:
            prompt, stop = self._prompt(messages)
            llm = self._model()
            start = len(llm.tokenize((prompt + prefix).encode("utf-8"), add_bos=False, special=True))

            def fits(input_ids: Any, _logits: Any) -> bool:
                so_far = llm.detokenize(list(input_ids[start:])).decode("utf-8", "ignore")
                return sum(w.startswith(so_far) for w in written) == 1

            guide = GrammarFirst(llm, self._grammar({"enum": options}))
            try:
                out = llm.create_completion(prompt + prefix, logits_processor=LogitsProcessorList([guide]),
                                            stopping_criteria=StoppingCriteriaList([fits]), max_tokens=16,
                                            temperature=0.0, stop=stop)
            finally:
                guide.close()
        so_far = str(out["choices"][0]["text"] or "")
        match = [o for o, w in zip(options, written, strict=True) if w.startswith(so_far) or so_far.startswith(w)]
        if len(match) != 1:
            raise LLMUnavailable(f"the model's choice {so_far!r} is none of {len(options)} options")
        return match[0]

    def complete(self, messages: list[Message], *, max_tokens: int = 200, temperature: float = 0.7,
                 repeat_penalty: float = 1.1) -> str:
        with self._lock:
            out = self._model().create_chat_completion(
                messages=list(messages), max_tokens=max_tokens, temperature=temperature,
                repeat_penalty=repeat_penalty)
        return str(out["choices"][0]["message"]["content"] or "").strip()
