"""The PP-OCR models with their elementwise arithmetic folded, for a cheaper pass on one core.

The models came from Paddle through paddle2onnx, which spells each hard-swish activation as four
elementwise operations (``x * clip(x + 3, 0, 6) / 6``) and each learnable scale and shift as two
(``x * s + b``). ONNX Runtime fuses none of them, and on one core these passes over the feature maps
cost about as much as the convolutions. This module rewrites the graph in memory, in three exact
steps, before the session is made:

- hard-swish becomes ``x * HardSigmoid(x)`` (two operations instead of four);
- a constant scale and shift right after a convolution go into the convolution's weights and bias;
- a constant scale and shift right before an unpadded convolution go into it as well (with zero
  padding a shift is not a constant at the borders, so padded convolutions are left alone).

The outputs agree with the original model to within float rounding (about 1e-6); the tests check
that the recognition of every cell is unchanged. Nothing is written to disk. Without the ``onnx``
package the model is used as published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["optimised_model"]

Array = npt.NDArray[Any]


def optimised_model(path: str) -> bytes | None:
    """The model at ``path`` rewritten as described above, or ``None`` without ``onnx``."""
    try:
        import onnx
    except ImportError:
        return None
    model = onnx.load(path)
    graph = _Graph(model.graph)
    graph.fuse_hard_swish()
    graph.fold_scale_after_conv()
    graph.fold_scale_before_conv()
    graph.write_back()
    return bytes(model.SerializeToString())


class _Graph:
    """Nodes with their constants, producers and consumers, edited as a list then written back."""

    def __init__(self, graph: Any) -> None:
        from onnx import numpy_helper

        self._graph = graph
        self.nodes: list[Any] = list(graph.node)
        self.constants: dict[str, Array] = {
            i.name: numpy_helper.to_array(i) for i in graph.initializer
        }
        for node in self.nodes:
            if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
                self.constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        self.new_constants: dict[str, Array] = {}
        self._index()

    def _index(self) -> None:
        self.producer = {name: node for node in self.nodes for name in node.output}
        self.consumers: dict[str, list[Any]] = defaultdict(list)
        for node in self.nodes:
            for name in node.input:
                self.consumers[name].append(node)
        for output in self._graph.output:
            self.consumers[output.name].append(None)  # a graph output is never folded away

    def scalar(self, name: str) -> float | None:
        value = self.constants.get(name)
        if value is None or value.size != 1 or value.dtype.kind != "f":
            return None
        return float(value.reshape(()))

    def only_consumer(self, name: str, op_type: str) -> Any | None:
        users = self.consumers.get(name, [])
        if len(users) == 1 and users[0] is not None and users[0].op_type == op_type:
            return users[0]
        return None

    def _replace(self, drop: Iterable[Any], add: dict[int, list[Any]]) -> None:
        dropped = {id(node) for node in drop}
        nodes: list[Any] = []
        for node in self.nodes:
            if id(node) in add:
                nodes.extend(add[id(node)])
            elif id(node) not in dropped:
                nodes.append(node)
        self.nodes = nodes
        self._index()

    def _scale_shift(self, mul: Any) -> tuple[str, float, float, Any] | None:
        """``(x, s, b, last node)`` for ``Mul(x, s)`` optionally followed by ``Add(., b)``."""
        if mul.op_type != "Mul":
            return None
        for x, s in ((mul.input[0], mul.input[1]), (mul.input[1], mul.input[0])):
            scale = self.scalar(s)
            if scale is None or x in self.constants:
                continue
            add = self.only_consumer(mul.output[0], "Add")
            if add is not None:
                other = add.input[1] if add.input[0] == mul.output[0] else add.input[0]
                shift = self.scalar(other)
                if shift is not None:
                    return x, scale, shift, add
            return x, scale, 0.0, mul
        return None

    def fuse_hard_swish(self) -> None:
        from onnx import helper

        drop: list[Any] = []
        add: dict[int, list[Any]] = {}
        for div in self.nodes:
            if div.op_type != "Div" or self.scalar(div.input[1]) != 6.0:
                continue
            mul = self.producer.get(div.input[0])
            if mul is None or mul.op_type != "Mul" or len(self.consumers[mul.output[0]]) != 1:
                continue
            for x, clipped in ((mul.input[0], mul.input[1]), (mul.input[1], mul.input[0])):
                clip = self.producer.get(clipped)
                if clip is None or clip.op_type != "Clip" or len(clip.input) != 3:
                    continue
                if (self.scalar(clip.input[1]), self.scalar(clip.input[2])) != (0.0, 6.0):
                    continue
                plus = self.producer.get(clip.input[0])
                if plus is None or plus.op_type != "Add" or x not in plus.input:
                    continue
                three = plus.input[1] if plus.input[0] == x else plus.input[0]
                if self.scalar(three) != 3.0:
                    continue
                if any(len(self.consumers[n.output[0]]) != 1 for n in (plus, clip)):
                    continue
                gate = div.output[0] + "/hard_sigmoid"
                add[id(div)] = [
                    helper.make_node("HardSigmoid", [x], [gate], alpha=1 / 6, beta=0.5),
                    helper.make_node("Mul", [x, gate], [div.output[0]]),
                ]
                drop.extend((plus, clip, mul))
                break
        self._replace(drop, add)

    def _conv_weights(self, conv: Any) -> tuple[Array, Array] | None:
        if len(conv.input) < 2 or conv.input[1] not in self.constants:
            return None
        weight = self.constants[conv.input[1]].astype(np.float32)
        if len(conv.input) > 2 and conv.input[2]:
            if conv.input[2] not in self.constants:
                return None
            bias = self.constants[conv.input[2]].astype(np.float32)
        else:
            bias = np.zeros(weight.shape[0], dtype=np.float32)
        return weight, bias

    def _new_conv(
        self, conv: Any, inputs: list[str], outputs: list[str], w: Array, b: Array
    ) -> Any:
        from onnx import helper

        w_name, b_name = f"{conv.name or outputs[0]}/w", f"{conv.name or outputs[0]}/b"
        self.constants[w_name] = self.new_constants[w_name] = w.astype(np.float32)
        self.constants[b_name] = self.new_constants[b_name] = b.astype(np.float32)
        node = helper.make_node("Conv", [inputs[0], w_name, b_name], outputs, name=conv.name)
        node.attribute.extend(conv.attribute)
        return node

    def fold_scale_after_conv(self) -> None:
        """``Conv`` then ``* s + b`` (constants): ``s·W`` and ``s·B + b``."""
        drop: list[Any] = []
        add: dict[int, list[Any]] = {}
        for conv in self.nodes:
            if conv.op_type != "Conv" or id(conv) in add:
                continue
            mul = self.only_consumer(conv.output[0], "Mul")
            weights = self._conv_weights(conv)
            found = self._scale_shift(mul) if mul is not None else None
            if weights is None or found is None or found[0] != conv.output[0]:
                continue
            _, scale, shift, last = found
            weight, bias = weights
            add[id(conv)] = [
                self._new_conv(
                    conv, list(conv.input), [last.output[0]], weight * scale, bias * scale + shift
                )
            ]
            drop.extend({id(mul): mul, id(last): last}.values())
        self._replace(drop, add)

    def fold_scale_before_conv(self) -> None:
        """``* s + b`` (constants) then an unpadded ``Conv``: ``s·W`` and ``B + b·ΣW``."""
        drop: list[Any] = []
        add: dict[int, list[Any]] = {}
        for mul in self.nodes:
            found = self._scale_shift(mul)
            if found is None:
                continue
            x, scale, shift, last = found
            conv = self.only_consumer(last.output[0], "Conv")
            if conv is None or conv.input[0] != last.output[0] or id(conv) in add:
                continue
            weights = self._conv_weights(conv)
            if weights is None or not _unpadded(conv):
                continue
            weight, bias = weights
            folded = bias + shift * weight.sum(axis=tuple(range(1, weight.ndim)))
            add[id(conv)] = [self._new_conv(conv, [x], list(conv.output), weight * scale, folded)]
            drop.extend({id(mul): mul, id(last): last}.values())
        self._replace(drop, add)

    def write_back(self) -> None:
        from onnx import numpy_helper

        used = {name for node in self.nodes for name in node.input}
        used |= {output.name for output in self._graph.output}
        nodes = [n for n in self.nodes if n.op_type != "Constant" or n.output[0] in used]
        del self._graph.node[:]
        self._graph.node.extend(nodes)
        kept = [i for i in self._graph.initializer if i.name in used]
        del self._graph.initializer[:]
        self._graph.initializer.extend(kept)
        for name, value in self.new_constants.items():
            if name in used:
                self._graph.initializer.append(numpy_helper.from_array(value, name))


def _unpadded(conv: Any) -> bool:
    for attribute in conv.attribute:
        if attribute.name == "pads" and any(attribute.ints):
            return False
        if attribute.name == "auto_pad" and attribute.s not in (b"", b"NOTSET", b"VALID"):
            return False
    return True
