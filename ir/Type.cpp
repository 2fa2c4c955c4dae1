#include "ir/Type.h"

#include <array>
#include <utility>

namespace schedc {

namespace {
struct TypeInfo {
  ScalarType type;
  const char* source;
  const char* c;
  int bytes;
};

constexpr std::array<TypeInfo, 13> kTypes = {{
    {ScalarType::I8, "i8", "int8_t", 1},
    {ScalarType::UI8, "ui8", "uint8_t", 1},
    {ScalarType::I16, "i16", "int16_t", 2},
    {ScalarType::I32, "i32", "int32_t", 4},
    {ScalarType::F16, "f16", "_Float16", 2},
    {ScalarType::F32, "f32", "float", 4},
    {ScalarType::F64, "f64", "double", 8},
    {ScalarType::R, "R", "float", 4},
    {ScalarType::Size, "size", "int_fast32_t", 0},
    {ScalarType::Index, "index", "int_fast32_t", 0},
    {ScalarType::Bool, "bool", "bool", 0},
    {ScalarType::Stride, "stride", "int_fast32_t", 0},
    {ScalarType::Int, "int", "int_fast32_t", 0},
}};

const TypeInfo& info(ScalarType t) {
  return kTypes[static_cast<size_t>(t)];
}
} // namespace

bool isNumeric(ScalarType t) {
  return t <= ScalarType::R;
}

bool isIntegral(ScalarType t) {
  switch (t) {
  case ScalarType::I8:
  case ScalarType::UI8:
  case ScalarType::I16:
  case ScalarType::I32:
  case ScalarType::Size:
  case ScalarType::Index:
  case ScalarType::Stride:
  case ScalarType::Int:
    return true;
  default:
    return false;
  }
}

bool isFloat(ScalarType t) {
  return t == ScalarType::F16 || t == ScalarType::F32 || t == ScalarType::F64 || t == ScalarType::R;
}

bool isIndexLike(ScalarType t) {
  return t == ScalarType::Size || t == ScalarType::Index || t == ScalarType::Stride ||
         t == ScalarType::Int;
}

std::string typeName(ScalarType t) {
  return info(t).source;
}

std::optional<ScalarType> parseTypeName(const std::string& name) {
  for (const TypeInfo& ti : kTypes)
    if (name == ti.source && ti.type != ScalarType::Int)
      return ti.type;
  return std::nullopt;
}

std::string cTypeName(ScalarType t) {
  return info(t).c;
}

std::string cTypeMnemonic(ScalarType t) {
  return t == ScalarType::R ? "f32" : info(t).source;
}

int byteWidth(ScalarType t) {
  return info(t).bytes;
}

} // namespace schedc
