"""The mic button: buffer the browser's PCM chunks, transcribe with the ASR backend (models.asr), show the
transcript as the user's message and run it as a command, exactly like typed text."""

from __future__ import annotations

import chainlit as cl

from assistant.ui.chat import run_turn
from assistant.ui.runtime import in_thread, services

RECORDER_RATE = 24_000  # the browser recorder's rate whatever the config says (int16 mono)
MAX_SECONDS = 60  # a spoken command, not a podcast: bounds memory per session
_KEY = "voice_pcm"


def buffer() -> bytearray:
    buf = cl.user_session.get(_KEY)
    if buf is None:
        buf = bytearray()
        cl.user_session.set(_KEY, buf)
    return buf


@cl.on_audio_start
async def on_audio_start() -> bool:
    cl.user_session.set(_KEY, bytearray())
    return True


@cl.on_audio_chunk
async def on_audio_chunk(chunk: cl.InputAudioChunk) -> None:
    buf = buffer()
    if len(buf) < MAX_SECONDS * RECORDER_RATE * 2:
        buf.extend(chunk.data)


def transcribe(raw: bytes) -> str:
    from models.asr import transcribe_pcm  # loads Whisper on first use, not at server start

    return transcribe_pcm(raw, RECORDER_RATE, services().settings)


@cl.on_audio_end
async def on_audio_end() -> None:
    raw = bytes(buffer())
    cl.user_session.set(_KEY, bytearray())
    if len(raw) < RECORDER_RATE // 5:  # under 0.1 s: a click, not speech
        await cl.Message(content="I heard nothing: hold the mic button while you speak.").send()
        return
    try:
        text = await in_thread(transcribe, raw)
    except Exception as err:  # noqa: BLE001 - ASRError and backend load errors both name their fix
        await cl.Message(content=f"I couldn't transcribe that: {err}").send()
        return
    if not text.strip():
        await cl.Message(content="I couldn't make out any words: try again a little closer to the mic.").send()
        return
    await cl.Message(content=text, author="You", type="user_message").send()
    await run_turn(text)
