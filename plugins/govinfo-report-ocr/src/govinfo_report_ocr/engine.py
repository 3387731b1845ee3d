"""The OCR engine: PP-OCR models (detection, text direction, recognition) on ONNX Runtime.

The models come inside the ``rapidocr-onnxruntime`` wheel; nothing is downloaded. Only its model
sessions and decoders are used: recognition is fed crops at their own width (a lone ``0`` is a
48-pixel square, not padded to 320 pixels), which is what makes reading every table cell on its own
affordable. One thread per session: the library parallelises over documents, not inside one.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Engine", "TextBox", "engine"]

Gray = npt.NDArray[np.uint8]
TextBox = tuple[int, int, int, int]
"""``(x0, top, x1, bottom)`` in pixels."""

_HEIGHT = 48  # the recognition model's input height
_BATCH_WIDTH = 2400  # total width of the crops recognised in one model call
_NUMERIC = frozenset("0123456789.,+-/%")
# letters the model takes digits for, and marks that specks and seal ink leave beside a digit
_LOOKS_NUMERIC = _NUMERIC | frozenset("OoDQlI|iSsBZzgq")
_MARKS = frozenset(".,+-/%")


class Engine:
    """Text detection, direction and recognition on grayscale page images."""

    def __init__(self) -> None:
        from rapidocr_onnxruntime.ch_ppocr_cls import TextClassifier
        from rapidocr_onnxruntime.ch_ppocr_det import TextDetector
        from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
        from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path

        config: dict[str, Any] = update_model_path(read_yaml(DEFAULT_CFG_PATH))
        for part in ("Det", "Cls", "Rec"):
            config[part]["intra_op_num_threads"] = 1
            config[part]["inter_op_num_threads"] = 1
        config["Det"]["limit_type"] = "max"
        self._detector = TextDetector(config["Det"])
        self._classifier = TextClassifier(config["Cls"])
        self._recognizer = TextRecognizer(config["Rec"])
        for wrapper, part in (
            (self._detector.infer, "Det"),
            (self._classifier.infer, "Cls"),
            (self._recognizer.session, "Rec"),
        ):
            _use_optimised_model(wrapper, config[part]["model_path"])
        self._characters: list[str] = list(self._recognizer.postprocess_op.character)
        self._numeric = np.array(
            [0, *(i for i, c in enumerate(self._characters) if c in _NUMERIC)], dtype=np.intp
        )

    def detect(self, page: Gray, max_side: int = 1280) -> list[TextBox]:
        """Boxes of text lines on a page, detected at most ``max_side`` pixels on the long side."""
        self._detector.limit_side_len = max_side
        height, width = page.shape
        boxes, _ = self._detector(np.dstack([page, page, page]))
        found: list[TextBox] = []
        if boxes is None:
            return found
        for quad in boxes:
            x0, y0 = np.floor(quad.min(axis=0)).astype(int)
            x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
            box = (max(0, int(x0)), max(0, int(y0)), min(width, int(x1)), min(height, int(y1)))
            if box[2] - box[0] >= 2 and box[3] - box[1] >= 2:
                found.append(box)
        return found

    def upside_down(self, crops: Sequence[Gray]) -> list[tuple[bool, float]]:
        """For each text-line crop: whether it reads upside down, and how sure the model is."""
        if not crops:
            return []
        _, results, _ = self._classifier([np.dstack([c, c, c]) for c in crops])
        return [(label == "180", float(score)) for label, score in results]

    def recognise(
        self, crops: Sequence[Gray], numeric_ok: Sequence[bool] | None = None
    ) -> list[tuple[str, float]]:
        """Text and confidence of each single-line crop, each at its own width.

        Confidence is that of the least certain character. Where ``numeric_ok`` is true (a table
        cell) and the text read is Latin with digits or their look-alikes (``O`` for ``0``, ``0r``
        for a ``0`` beside a speck), the crop is decoded again with digits and number punctuation
        only, and that reading is kept with its own (lower) confidence: the model's second choice,
        not an edit of its first.
        """
        results = self._recognise([_to_model_height(c, padded=True) for c in crops], numeric_ok)
        # Print that reads as nothing with white space around it (a lone narrow digit, now and
        # then) is read again from the tight crop.
        empty = [i for i, (text, _) in enumerate(results) if not text]
        if empty:
            again = self._recognise(
                [_to_model_height(crops[i], padded=False) for i in empty],
                None if numeric_ok is None else [numeric_ok[i] for i in empty],
            )
            for i, result in zip(empty, again, strict=True):
                results[i] = result
        return results

    def _recognise(
        self, scaled: Sequence[Gray], numeric_ok: Sequence[bool] | None
    ) -> list[tuple[str, float]]:
        crops = scaled
        results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        order = sorted(range(len(crops)), key=lambda i: scaled[i].shape[1])
        start = 0
        while start < len(order):
            end = start + 1
            while (
                end < len(order) and scaled[order[end]].shape[1] * (end - start + 1) <= _BATCH_WIDTH
            ):
                end += 1
            widest = scaled[order[end - 1]].shape[1]
            batch = np.zeros((end - start, 3, _HEIGHT, widest), dtype=np.float32)
            for slot, index in enumerate(order[start:end]):
                image = scaled[index].astype(np.float32) / 127.5 - 1.0
                batch[slot, :, :, : image.shape[1]] = image
            predictions = np.asarray(self._recognizer.session(batch)[0])
            for slot, index in enumerate(order[start:end]):
                probabilities = predictions[slot]
                text, score = self._decode(probabilities, None)
                if numeric_ok is not None and numeric_ok[index] and _number_like(text):
                    text, score = self._decode(probabilities, self._numeric)
                results[index] = (text, score)
            start = end
        return results

    def _decode(
        self, probabilities: npt.NDArray[np.float32], allowed: npt.NDArray[np.intp] | None
    ) -> tuple[str, float]:
        """Greedy CTC decoding (index 0 is the blank), optionally over ``allowed`` classes only."""
        if allowed is not None:
            part = probabilities[:, allowed]
            best = allowed[part.argmax(axis=1)]
            scores = part.max(axis=1)
        else:
            best = probabilities.argmax(axis=1)
            scores = probabilities.max(axis=1)
        keep = best != 0
        keep[1:] &= best[1:] != best[:-1]
        if not keep.any():
            return "", 0.0
        text = "".join(self._characters[i] for i in best[keep])
        return text, float(scores[keep].min())


def _use_optimised_model(wrapper: Any, path: str) -> None:
    """Swap the session of a RapidOCR model wrapper for one on the folded graph (see models.py):
    same outputs, about half the arithmetic on one core."""
    import onnxruntime as ort

    from .models import optimised_model

    model = optimised_model(str(path))
    if model is None:
        return
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    wrapper.session = ort.InferenceSession(
        model, sess_options=options, providers=["CPUExecutionProvider"]
    )


def _number_like(text: str) -> bool:
    """Whether a cell's reading is a misread number: no Chinese, not a marker, not already a clean
    number, and either very short (``O``, ``○``, ``0r``) or mostly digits and their look-alikes.
    A word such as ``Item`` or ``Toner`` is left as read."""
    from govinfo_report.values import MARKERS

    compact = text.replace(" ", "")
    if not compact or set(compact) <= _NUMERIC or compact in MARKERS:
        return False
    if any("\u3400" <= c <= "\u9fff" for c in compact):
        return False
    if len(compact) <= 3:
        return True
    digits = sum(1 for c in compact if c in _LOOKS_NUMERIC and c not in _MARKS)
    return digits * 2 >= len(compact)


def _to_model_height(crop: Gray, padded: bool) -> Gray:
    import cv2

    height, width = crop.shape
    # White space at both ends, as around the lines the model was trained on: without it a
    # bracket at the very edge of a tight crop is dropped.
    if padded:
        # Short crops (a number) get more: it costs little and steadies the reading.
        side = max(2, int(height * (0.6 if width < 1.5 * height else 0.25)))
        top = max(1, int(height * 0.1))
        crop = np.asarray(
            cv2.copyMakeBorder(crop, top, top, side, side, cv2.BORDER_CONSTANT, value=255),
            dtype=np.uint8,
        )
        height, width = crop.shape
    scale = _HEIGHT / max(1, height)
    new_width = max(_HEIGHT // 2, math.ceil(width * scale))
    # Round widths up to a multiple of 8: the model downsamples by 8 horizontally.
    new_width = int(math.ceil(new_width / 8) * 8)
    resized = cv2.resize(crop, (new_width, _HEIGHT), interpolation=cv2.INTER_AREA)
    return np.asarray(resized, dtype=np.uint8)


@functools.lru_cache(maxsize=1)
def engine() -> Engine:
    """The process-wide engine (the models load once, in about a second)."""
    return Engine()
