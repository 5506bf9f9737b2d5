"""The ``__init__`` of the common value-class shapes, written out (generated; do not edit).


:func:`citekit.base.valueclass.value_class` makes each class's ``__init__``
from the code of its shape (how many fields, frozen or not, which have a
default factory), renamed for the class's fields.  Compiling that code was
most of what defining a value class cost, in every process; the shapes
without a default factory up to :data:`FIELDS` fields, and the shapes with
factories of citekit's own classes (:data:`FACTORY_SHAPES`), are therefore
written here, where Python compiles them once into its bytecode cache.
Written by :func:`citekit.base.valueclass.prewritten_source`
(``python -m citekit.base.valueclass`` writes it again, with any shapes
added); tests/base/test_valueclass.py checks that it is that function's text.
The names they use (``_vc_set``, ``_vc_FACTORY``, the factories, the
placeholders) are resolved in the globals each class's ``__init__`` gets,
not here.
"""

# ruff: noqa: F821, E501
# mypy: ignore-errors
# fmt: off

FIELDS = 16
FACTORY_SHAPES = ((3, False, (1, 2)), (4, False, (0, 1, 2, 3)), (5, False, (1,)), (6, False, (2,)), (8, False, (1, 2, 3, 4, 7)), (20, False, (8, 16, 17)), (3, False, (0, 1, 2)), (6, False, (4, 5)))



def frozen_0(_vc_self):
    pass



def frozen_1(_vc_self, _vc_p0):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)



def frozen_2(_vc_self, _vc_p0, _vc_p1):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)



def frozen_3(_vc_self, _vc_p0, _vc_p1, _vc_p2):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)



def frozen_4(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)



def frozen_5(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)



def frozen_6(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)



def frozen_7(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)
    _vc_set(_vc_self, '_vc_a6', _vc_p6)



def frozen_8(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)
    _vc_set(_vc_self, '_vc_a6', _vc_p6)
    _vc_set(_vc_self, '_vc_a7', _vc_p7)



def frozen_9(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)
    _vc_set(_vc_self, '_vc_a6', _vc_p6)
    _vc_set(_vc_self, '_vc_a7', _vc_p7)
    _vc_set(_vc_self, '_vc_a8', _vc_p8)



def frozen_10(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)
    _vc_set(_vc_self, '_vc_a6', _vc_p6)
    _vc_set(_vc_self, '_vc_a7', _vc_p7)
    _vc_set(_vc_self, '_vc_a8', _vc_p8)
    _vc_set(_vc_self, '_vc_a9', _vc_p9)



def frozen_11(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)
    _vc_set(_vc_self, '_vc_a6', _vc_p6)
    _vc_set(_vc_self, '_vc_a7', _vc_p7)
    _vc_set(_vc_self, '_vc_a8', _vc_p8)
    _vc_set(_vc_self, '_vc_a9', _vc_p9)
    _vc_set(_vc_self, '_vc_a10', _vc_p10)



def frozen_12(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)
    _vc_set(_vc_self, '_vc_a6', _vc_p6)
    _vc_set(_vc_self, '_vc_a7', _vc_p7)
    _vc_set(_vc_self, '_vc_a8', _vc_p8)
    _vc_set(_vc_self, '_vc_a9', _vc_p9)
    _vc_set(_vc_self, '_vc_a10', _vc_p10)
    _vc_set(_vc_self, '_vc_a11', _vc_p11)



def frozen_13(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11, _vc_p12):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)
    _vc_set(_vc_self, '_vc_a6', _vc_p6)
    _vc_set(_vc_self, '_vc_a7', _vc_p7)
    _vc_set(_vc_self, '_vc_a8', _vc_p8)
    _vc_set(_vc_self, '_vc_a9', _vc_p9)
    _vc_set(_vc_self, '_vc_a10', _vc_p10)
    _vc_set(_vc_self, '_vc_a11', _vc_p11)
    _vc_set(_vc_self, '_vc_a12', _vc_p12)



def frozen_14(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11, _vc_p12, _vc_p13):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)
    _vc_set(_vc_self, '_vc_a6', _vc_p6)
    _vc_set(_vc_self, '_vc_a7', _vc_p7)
    _vc_set(_vc_self, '_vc_a8', _vc_p8)
    _vc_set(_vc_self, '_vc_a9', _vc_p9)
    _vc_set(_vc_self, '_vc_a10', _vc_p10)
    _vc_set(_vc_self, '_vc_a11', _vc_p11)
    _vc_set(_vc_self, '_vc_a12', _vc_p12)
    _vc_set(_vc_self, '_vc_a13', _vc_p13)



def frozen_15(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11, _vc_p12, _vc_p13, _vc_p14):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)
    _vc_set(_vc_self, '_vc_a6', _vc_p6)
    _vc_set(_vc_self, '_vc_a7', _vc_p7)
    _vc_set(_vc_self, '_vc_a8', _vc_p8)
    _vc_set(_vc_self, '_vc_a9', _vc_p9)
    _vc_set(_vc_self, '_vc_a10', _vc_p10)
    _vc_set(_vc_self, '_vc_a11', _vc_p11)
    _vc_set(_vc_self, '_vc_a12', _vc_p12)
    _vc_set(_vc_self, '_vc_a13', _vc_p13)
    _vc_set(_vc_self, '_vc_a14', _vc_p14)



def frozen_16(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11, _vc_p12, _vc_p13, _vc_p14, _vc_p15):
    _vc_set(_vc_self, '_vc_a0', _vc_p0)
    _vc_set(_vc_self, '_vc_a1', _vc_p1)
    _vc_set(_vc_self, '_vc_a2', _vc_p2)
    _vc_set(_vc_self, '_vc_a3', _vc_p3)
    _vc_set(_vc_self, '_vc_a4', _vc_p4)
    _vc_set(_vc_self, '_vc_a5', _vc_p5)
    _vc_set(_vc_self, '_vc_a6', _vc_p6)
    _vc_set(_vc_self, '_vc_a7', _vc_p7)
    _vc_set(_vc_self, '_vc_a8', _vc_p8)
    _vc_set(_vc_self, '_vc_a9', _vc_p9)
    _vc_set(_vc_self, '_vc_a10', _vc_p10)
    _vc_set(_vc_self, '_vc_a11', _vc_p11)
    _vc_set(_vc_self, '_vc_a12', _vc_p12)
    _vc_set(_vc_self, '_vc_a13', _vc_p13)
    _vc_set(_vc_self, '_vc_a14', _vc_p14)
    _vc_set(_vc_self, '_vc_a15', _vc_p15)



def mutable_0(_vc_self):
    pass



def mutable_1(_vc_self, _vc_p0):
    _vc_self._vc_a0 = _vc_p0



def mutable_2(_vc_self, _vc_p0, _vc_p1):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1



def mutable_3(_vc_self, _vc_p0, _vc_p1, _vc_p2):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2



def mutable_4(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3



def mutable_5(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4



def mutable_6(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5



def mutable_7(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6



def mutable_8(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    _vc_self._vc_a7 = _vc_p7



def mutable_9(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    _vc_self._vc_a7 = _vc_p7
    _vc_self._vc_a8 = _vc_p8



def mutable_10(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    _vc_self._vc_a7 = _vc_p7
    _vc_self._vc_a8 = _vc_p8
    _vc_self._vc_a9 = _vc_p9



def mutable_11(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    _vc_self._vc_a7 = _vc_p7
    _vc_self._vc_a8 = _vc_p8
    _vc_self._vc_a9 = _vc_p9
    _vc_self._vc_a10 = _vc_p10



def mutable_12(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    _vc_self._vc_a7 = _vc_p7
    _vc_self._vc_a8 = _vc_p8
    _vc_self._vc_a9 = _vc_p9
    _vc_self._vc_a10 = _vc_p10
    _vc_self._vc_a11 = _vc_p11



def mutable_13(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11, _vc_p12):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    _vc_self._vc_a7 = _vc_p7
    _vc_self._vc_a8 = _vc_p8
    _vc_self._vc_a9 = _vc_p9
    _vc_self._vc_a10 = _vc_p10
    _vc_self._vc_a11 = _vc_p11
    _vc_self._vc_a12 = _vc_p12



def mutable_14(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11, _vc_p12, _vc_p13):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    _vc_self._vc_a7 = _vc_p7
    _vc_self._vc_a8 = _vc_p8
    _vc_self._vc_a9 = _vc_p9
    _vc_self._vc_a10 = _vc_p10
    _vc_self._vc_a11 = _vc_p11
    _vc_self._vc_a12 = _vc_p12
    _vc_self._vc_a13 = _vc_p13



def mutable_15(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11, _vc_p12, _vc_p13, _vc_p14):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    _vc_self._vc_a7 = _vc_p7
    _vc_self._vc_a8 = _vc_p8
    _vc_self._vc_a9 = _vc_p9
    _vc_self._vc_a10 = _vc_p10
    _vc_self._vc_a11 = _vc_p11
    _vc_self._vc_a12 = _vc_p12
    _vc_self._vc_a13 = _vc_p13
    _vc_self._vc_a14 = _vc_p14



def mutable_16(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11, _vc_p12, _vc_p13, _vc_p14, _vc_p15):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    _vc_self._vc_a7 = _vc_p7
    _vc_self._vc_a8 = _vc_p8
    _vc_self._vc_a9 = _vc_p9
    _vc_self._vc_a10 = _vc_p10
    _vc_self._vc_a11 = _vc_p11
    _vc_self._vc_a12 = _vc_p12
    _vc_self._vc_a13 = _vc_p13
    _vc_self._vc_a14 = _vc_p14
    _vc_self._vc_a15 = _vc_p15



def mutable_3_f1_f2(_vc_self, _vc_p0, _vc_p1, _vc_p2):
    _vc_self._vc_a0 = _vc_p0
    if _vc_p1 is _vc_FACTORY:
        _vc_p1 = _vc_factory_1()
    _vc_self._vc_a1 = _vc_p1
    if _vc_p2 is _vc_FACTORY:
        _vc_p2 = _vc_factory_2()
    _vc_self._vc_a2 = _vc_p2



def mutable_4_f0_f1_f2_f3(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3):
    if _vc_p0 is _vc_FACTORY:
        _vc_p0 = _vc_factory_0()
    _vc_self._vc_a0 = _vc_p0
    if _vc_p1 is _vc_FACTORY:
        _vc_p1 = _vc_factory_1()
    _vc_self._vc_a1 = _vc_p1
    if _vc_p2 is _vc_FACTORY:
        _vc_p2 = _vc_factory_2()
    _vc_self._vc_a2 = _vc_p2
    if _vc_p3 is _vc_FACTORY:
        _vc_p3 = _vc_factory_3()
    _vc_self._vc_a3 = _vc_p3



def mutable_5_f1(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4):
    _vc_self._vc_a0 = _vc_p0
    if _vc_p1 is _vc_FACTORY:
        _vc_p1 = _vc_factory_1()
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4



def mutable_6_f2(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    if _vc_p2 is _vc_FACTORY:
        _vc_p2 = _vc_factory_2()
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5



def mutable_8_f1_f2_f3_f4_f7(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7):
    _vc_self._vc_a0 = _vc_p0
    if _vc_p1 is _vc_FACTORY:
        _vc_p1 = _vc_factory_1()
    _vc_self._vc_a1 = _vc_p1
    if _vc_p2 is _vc_FACTORY:
        _vc_p2 = _vc_factory_2()
    _vc_self._vc_a2 = _vc_p2
    if _vc_p3 is _vc_FACTORY:
        _vc_p3 = _vc_factory_3()
    _vc_self._vc_a3 = _vc_p3
    if _vc_p4 is _vc_FACTORY:
        _vc_p4 = _vc_factory_4()
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    if _vc_p7 is _vc_FACTORY:
        _vc_p7 = _vc_factory_7()
    _vc_self._vc_a7 = _vc_p7



def mutable_20_f8_f16_f17(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5, _vc_p6, _vc_p7, _vc_p8, _vc_p9, _vc_p10, _vc_p11, _vc_p12, _vc_p13, _vc_p14, _vc_p15, _vc_p16, _vc_p17, _vc_p18, _vc_p19):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    _vc_self._vc_a4 = _vc_p4
    _vc_self._vc_a5 = _vc_p5
    _vc_self._vc_a6 = _vc_p6
    _vc_self._vc_a7 = _vc_p7
    if _vc_p8 is _vc_FACTORY:
        _vc_p8 = _vc_factory_8()
    _vc_self._vc_a8 = _vc_p8
    _vc_self._vc_a9 = _vc_p9
    _vc_self._vc_a10 = _vc_p10
    _vc_self._vc_a11 = _vc_p11
    _vc_self._vc_a12 = _vc_p12
    _vc_self._vc_a13 = _vc_p13
    _vc_self._vc_a14 = _vc_p14
    _vc_self._vc_a15 = _vc_p15
    if _vc_p16 is _vc_FACTORY:
        _vc_p16 = _vc_factory_16()
    _vc_self._vc_a16 = _vc_p16
    if _vc_p17 is _vc_FACTORY:
        _vc_p17 = _vc_factory_17()
    _vc_self._vc_a17 = _vc_p17
    _vc_self._vc_a18 = _vc_p18
    _vc_self._vc_a19 = _vc_p19



def mutable_3_f0_f1_f2(_vc_self, _vc_p0, _vc_p1, _vc_p2):
    if _vc_p0 is _vc_FACTORY:
        _vc_p0 = _vc_factory_0()
    _vc_self._vc_a0 = _vc_p0
    if _vc_p1 is _vc_FACTORY:
        _vc_p1 = _vc_factory_1()
    _vc_self._vc_a1 = _vc_p1
    if _vc_p2 is _vc_FACTORY:
        _vc_p2 = _vc_factory_2()
    _vc_self._vc_a2 = _vc_p2



def mutable_6_f4_f5(_vc_self, _vc_p0, _vc_p1, _vc_p2, _vc_p3, _vc_p4, _vc_p5):
    _vc_self._vc_a0 = _vc_p0
    _vc_self._vc_a1 = _vc_p1
    _vc_self._vc_a2 = _vc_p2
    _vc_self._vc_a3 = _vc_p3
    if _vc_p4 is _vc_FACTORY:
        _vc_p4 = _vc_factory_4()
    _vc_self._vc_a4 = _vc_p4
    if _vc_p5 is _vc_FACTORY:
        _vc_p5 = _vc_factory_5()
    _vc_self._vc_a5 = _vc_p5
