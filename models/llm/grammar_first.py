"""Grammar-constrained greedy decoding that checks the model's top token before filtering the vocabulary.

llama-cpp-python puts the grammar sampler in front of greedy, so every reply token tests all of Qwen's
151k vocabulary pieces against the grammar: on 2 cores that cost more than the forward pass itself.
llama.cpp's own tools test the model's first choice and scan the vocabulary only when that choice
breaks the grammar; this logits processor does the same, so the greedy reply is identical and most
tokens cost one check instead of 151k. Greedy decoding of a 1.5B model also loops ("upbeat, catchy,
upbeat, catchy, ..."): a token that would repeat a 3-token sequence of the reply is skipped unless the
grammar allows nothing else.
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

import numpy as np
import numpy.typing as npt


class GrammarFirst:
    """A llama-cpp-python logits processor for one completion under one grammar (greedy only)."""

    def __init__(self, llm: Any, grammar: Any) -> None:
        import llama_cpp
        from llama_cpp._internals import LlamaTokenDataArray

        self._c = llama_cpp
        self._sampler = llama_cpp.llama_sampler_init_grammar(
            llm._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8"))
        if not self._sampler:
            raise ValueError("llama.cpp rejected the grammar")
        self._one = (llama_cpp.llama_token_data * 1)()
        self._one_array = llama_cpp.llama_token_data_array(data=self._one, size=1, selected=-1, sorted=False)
        self._vocab = LlamaTokenDataArray(n_vocab=llm.n_vocab())
        self._seen: int | None = None
        self._start = 0
        self.full_scans = 0
        self.tokens = 0

    def close(self) -> None:
        if self._sampler:
            self._c.llama_sampler_free(self._sampler)
            self._sampler = None

    def __del__(self) -> None:
        self.close()

    def _accept_new(self, input_ids: npt.NDArray[np.intc]) -> None:
        # input_ids holds prompt + reply so far; the tokens since the last call are the picks the grammar
        # has not seen yet (always ones this processor allowed).
        n = len(input_ids)
        if self._seen is None:
            self._start = n
        else:
            for token in input_ids[self._seen:n]:
                self._c.llama_sampler_accept(self._sampler, int(token))
        self._seen = n

    def _repeats(self, input_ids: npt.NDArray[np.intc]) -> list[int]:
        """Tokens that would make the reply repeat one of its own 3-token sequences."""
        reply = [int(t) for t in input_ids[self._start:]]
        if len(reply) < 3:
            return []
        last = reply[-2:]
        return [reply[i + 2] for i in range(len(reply) - 2) if reply[i:i + 2] == last]

    def _allows(self, token: int, logit: float) -> bool:
        self._one[0].id = token  # type: ignore[assignment]  # ctypes converts the int
        self._one[0].logit = logit
        self._one[0].p = 0.0
        self._one_array.size = 1
        self._one_array.selected = -1
        self._c.llama_sampler_apply(self._sampler, ctypes.byref(self._one_array))
        return bool(self._one[0].logit != -math.inf)

    def _pick(self, scores: npt.NDArray[np.single]) -> int:
        best = int(np.argmax(scores))
        if scores[best] != -np.inf and self._allows(best, float(scores[best])):
            return best
        self.full_scans += 1
        self._vocab.copy_logits(scores)
        self._c.llama_sampler_apply(self._sampler, ctypes.byref(self._vocab.candidates))
        # The grammar only sets rejected logits to -inf, in place: index still equals token id.
        return int(np.argmax(self._vocab.candidates_data.logit))

    def __call__(self, input_ids: npt.NDArray[np.intc], scores: npt.NDArray[np.single]) -> npt.NDArray[np.single]:
        self._accept_new(input_ids)
        self.tokens += 1
        banned = self._repeats(input_ids)
        best = -1
        if banned:
            fresh = scores.copy()
            fresh[banned] = -np.inf
            best = self._pick(fresh)
            if fresh[best] == -np.inf:  # the grammar allows only a repeat here
                best = -1
        if best < 0:
            best = self._pick(scores)
        out = np.full_like(scores, -np.inf)
        out[best] = scores[best]
        return out
