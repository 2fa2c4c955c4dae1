// Scalar types of the kernel language.
#pragma once

#include <optional>
#include <string>

namespace schedc {

enum class ScalarType {
  // data types (tensor elements)
  I8,
  UI8,
  I16,
  I32,
  F16,
  F32,
  F64,
  R, // a real whose precision is chosen later (set_precision); C backend: float
  // control types
  Size,   // positive integer parameter
  Index,  // integer index (loop variables, index arithmetic)
  Bool,   // conditions
  Stride, // stride(A, d)
  Int,    // an integer literal before it meets its context
};

bool isNumeric(ScalarType t);   // data types (I8 .. R)
bool isIntegral(ScalarType t);  // I8 UI8 I16 I32 and the control integers
bool isFloat(ScalarType t);     // F16 F32 F64 R
bool isIndexLike(ScalarType t); // Size Index Stride Int: affine index arithmetic

// Source spelling, e.g. "i32", "size".
std::string typeName(ScalarType t);
std::optional<ScalarType> parseTypeName(const std::string& name);

// C spelling, e.g. "int32_t", "float".
std::string cTypeName(ScalarType t);
// Short mnemonic used in window struct names, e.g. "i32", "f32".
std::string cTypeMnemonic(ScalarType t);

// Size in bytes of one element (data types only).
int byteWidth(ScalarType t);

} // namespace schedc
