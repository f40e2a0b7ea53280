"""DAWproject writer (https://github.com/bitwig/dawproject): a zip with project.xml, metadata.xml and
the audio. Element order, required attributes and enumerations follow Project.xsd 1.0; `check_project`
verifies them (plus IDs/IDREFs and that every referenced file is inside the archive) without a schema
library, so exports are checked offline.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from models.export.project import ExportProject, safe_name

VERSION = "1.0"
UNITS = {"linear", "normalized", "percent", "decibel", "hertz", "semitones", "seconds", "beats", "bpm"}
TIME_UNITS = {"beats", "seconds"}
CONTENT = {"audio", "automation", "notes", "video", "markers", "tracks"}
ROLES = {"regular", "master", "effect", "submix", "vca"}
PROJECT_ORDER = ("Application", "Transport", "Structure", "Arrangement", "Scenes")
REQUIRED = {
    "Project": ("version",), "Application": ("name", "version"), "Tempo": ("unit",),
    "TimeSignature": ("numerator", "denominator"), "Clip": ("time",), "Audio": ("channels", "sampleRate", "duration"),
    "File": ("path",), "Note": ("time", "duration", "channel", "key"), "Marker": ("time",), "Volume": ("unit",),
    "Pan": ("unit",),
}


class DawProjectError(ValueError):
    """project.xml breaks the DAWproject schema; the message names the element."""


def _f(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".") if x != int(x) else f"{x:.1f}"


def _channel(parent: ET.Element, cid: str, role: str, dest: str | None, channels: int = 2) -> None:
    attrs = {"id": cid, "role": role, "audioChannels": str(channels)}
    if dest:
        attrs["destination"] = dest
    ch = ET.SubElement(parent, "Channel", attrs)
    ET.SubElement(ch, "Pan", {"id": f"{cid}-pan", "unit": "normalized", "value": "0.5", "min": "0", "max": "1"})
    ET.SubElement(ch, "Volume", {"id": f"{cid}-vol", "unit": "linear", "value": "1.0", "min": "0", "max": "2"})


def project_xml(p: ExportProject, audio_names: list[str]) -> ET.Element:
    root = ET.Element("Project", {"version": VERSION})
    ET.SubElement(root, "Application", {"name": "MusicGen Pro Studio", "version": "0.1.0"})
    transport = ET.SubElement(root, "Transport")
    ET.SubElement(transport, "Tempo", {"id": "tempo", "unit": "bpm", "value": _f(p.bpm), "min": "20", "max": "999"})
    ET.SubElement(transport, "TimeSignature", {"id": "ts", "numerator": str(p.beats_per_bar), "denominator": "4"})
    structure = ET.SubElement(root, "Structure")
    master = ET.SubElement(structure, "Track", {"id": "master", "name": "Master", "contentType": "audio notes",
                                                "loaded": "true"})
    _channel(master, "master-ch", "master", None)
    arrangement = ET.SubElement(root, "Arrangement", {"id": "arrangement"})
    lanes = ET.SubElement(arrangement, "Lanes", {"id": "lanes", "timeUnit": "beats"})
    length = _f(p.beats(p.duration_s))
    for i, (lane, rel) in enumerate(zip(p.audio, audio_names, strict=True)):
        tid = f"audio{i + 1}"
        track = ET.SubElement(structure, "Track", {"id": tid, "name": lane.name, "contentType": "audio",
                                                   "loaded": "true"})
        _channel(track, f"{tid}-ch", "regular", "master-ch", lane.channels)
        clips = ET.SubElement(ET.SubElement(lanes, "Lanes", {"id": f"{tid}-lanes", "track": tid}), "Clips",
                              {"id": f"{tid}-clips"})
        clip = ET.SubElement(clips, "Clip", {"time": "0.0", "duration": length, "playStart": "0.0", "name": lane.name})
        audio = ET.SubElement(clip, "Audio", {"id": f"{tid}-audio", "timeUnit": "seconds", "algorithm": "raw",
                                              "channels": str(lane.channels), "sampleRate": str(p.sample_rate),
                                              "duration": _f(p.duration_s)})
        ET.SubElement(audio, "File", {"path": rel})
    for i, m in enumerate(p.midi):
        tid = f"midi{i + 1}"
        track = ET.SubElement(structure, "Track", {"id": tid, "name": m.name, "contentType": "notes", "loaded": "true"})
        _channel(track, f"{tid}-ch", "regular", "master-ch")
        clips = ET.SubElement(ET.SubElement(lanes, "Lanes", {"id": f"{tid}-lanes", "track": tid}), "Clips",
                              {"id": f"{tid}-clips"})
        clip = ET.SubElement(clips, "Clip", {"time": "0.0", "duration": length, "playStart": "0.0", "name": m.name})
        notes = ET.SubElement(clip, "Notes", {"id": f"{tid}-notes"})
        chan = "9" if m.is_drum else str(i % 16 if i % 16 != 9 else 10)
        for n in m.notes:
            ET.SubElement(notes, "Note", {"time": _f(p.beats(n.start_s)), "duration": _f(p.beats(n.end_s - n.start_s)),
                                          "channel": chan, "key": str(n.pitch), "vel": _f(n.velocity / 127),
                                          "rel": "0.5"})
    if p.markers:
        markers = ET.SubElement(arrangement, "Markers", {"id": "markers"})
        for t, text in p.markers:
            ET.SubElement(markers, "Marker", {"time": _f(p.beats(t)), "name": text[:200]})
    ET.SubElement(root, "Scenes")
    return root


def metadata_xml(p: ExportProject) -> ET.Element:
    meta = ET.Element("MetaData")
    ET.SubElement(meta, "Title").text = p.title
    ET.SubElement(meta, "Comment").text = f"{p.bpm:g} BPM, made with MusicGen Pro Studio"
    return meta


def write_dawproject(p: ExportProject, dest: Path) -> Path:
    names = [f"audio/{i + 1:02d}-{safe_name(a.name)}.wav" for i, a in enumerate(p.audio)]
    root = project_xml(p, names)
    check_project(root, set(names))
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.xml", ET.tostring(root, encoding="utf-8", xml_declaration=True))
        z.writestr("metadata.xml", ET.tostring(metadata_xml(p), encoding="utf-8", xml_declaration=True))
        for lane, rel in zip(p.audio, names, strict=True):
            z.write(lane.path, rel)
    return dest


def _check_attrs(el: ET.Element) -> None:
    for attr in REQUIRED.get(el.tag, ()):
        if attr not in el.attrib:
            raise DawProjectError(f"<{el.tag}> needs the attribute {attr!r}")
    enums = {"unit": UNITS, "timeUnit": TIME_UNITS, "role": ROLES}
    for attr, allowed in enums.items():
        if attr in el.attrib and el.attrib[attr] not in allowed:
            raise DawProjectError(f"<{el.tag} {attr}={el.attrib[attr]!r}> is not one of {sorted(allowed)}")
    if "contentType" in el.attrib and not set(el.attrib["contentType"].split()) <= CONTENT:
        raise DawProjectError(f"<{el.tag}> contentType {el.attrib['contentType']!r} is not in {sorted(CONTENT)}")
    for attr in ("time", "duration", "sampleRate", "channels", "key"):
        if attr in el.attrib:
            float(el.attrib[attr])  # numbers must parse


def check_project(root: ET.Element, files: set[str]) -> None:
    """Raise DawProjectError where project.xml departs from Project.xsd's structure."""
    if root.tag != "Project":
        raise DawProjectError("the root element must be <Project>")
    tags = [c.tag for c in root]
    if any(t not in PROJECT_ORDER for t in tags) or tags != sorted(tags, key=PROJECT_ORDER.index):
        raise DawProjectError(f"<Project> children must come in the order {PROJECT_ORDER}, got {tags}")
    if "Application" not in tags:
        raise DawProjectError("<Project> needs an <Application>")
    ids: set[str] = set()
    refs: list[str] = []
    for el in root.iter():
        _check_attrs(el)
        if "id" in el.attrib:
            if el.attrib["id"] in ids:
                raise DawProjectError(f"duplicate id {el.attrib['id']!r}")
            ids.add(el.attrib["id"])
        refs += [el.attrib[a] for a in ("track", "destination") if a in el.attrib]
        if el.tag == "File" and el.attrib["path"] not in files:
            raise DawProjectError(f"<File path={el.attrib['path']!r}> is not in the archive")
    missing = [r for r in refs if r not in ids]
    if missing:
        raise DawProjectError(f"references to unknown ids: {missing}")
