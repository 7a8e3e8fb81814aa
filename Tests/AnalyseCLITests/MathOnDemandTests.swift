//===--- MathOnDemandTests.swift - libm opened on first use ------------------===//
//
// The analyse executables link CLibM instead of libm: ceil, floor, trunc and
// round (double and float) are computed there and must equal libm's bit for
// bit; every other math function is libm's own, looked up on its first call.
// This test binary links CLibM too, so its math calls take the same paths.
//
//===----------------------------------------------------------------------===//

import CLibM
import Glibc
import Testing

@Suite("The C math library opened on first use")
struct MathOnDemandTests {
  typealias Rounding = @convention(c) (Double) -> Double
  typealias RoundingFloat = @convention(c) (Float) -> Float

  /// libm.so.6's own function `name`, for comparing with this module's.
  static func libm<Function>(_ name: String, as type: Function.Type) throws -> Function {
    let address = try #require(clibm_libm_function(name), "libm.so.6 has no \(name)")
    return unsafeBitCast(address, to: type)
  }

  /// Values where rounding goes wrong when done carelessly, and random bit patterns.
  static func doubles() -> [Double] {
    var values: [Double] = [
      0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
      1 - .ulpOfOne, -(1 - .ulpOfOne), 0x1p52 - 0.5, -(0x1p52 - 0.5), 0x1p52, 0x1p52 + 1, 0x1p53 - 1,
      0x1p63, -0x1p63, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
      -.leastNonzeroMagnitude, .leastNormalMagnitude, .infinity, -.infinity, .nan, -.nan,
    ]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      values.append(Double(bitPattern: generator.next()))
      // Mostly values with a fraction, where the work is.
      values.append(Double.random(in: -1e6...1e6, using: &generator))
      values.append(Double.random(in: -4...4, using: &generator))
    }
    return values
  }

  static func floats() -> [Float] {
    var values: [Float] = [
      0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 0x1p23 - 0.5, 0x1p23,
      0x1p31, -0x1p31, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity, .nan,
    ]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      values.append(Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())))
      values.append(Float.random(in: -1e5...1e5, using: &generator))
    }
    return values
  }

  static func same(_ left: Double, _ right: Double) -> Bool {
    left.isNaN ? right.isNaN : left.bitPattern == right.bitPattern
  }

  static func same(_ left: Float, _ right: Float) -> Bool {
    left.isNaN ? right.isNaN : left.bitPattern == right.bitPattern
  }

  @Test("ceil, floor, trunc and round equal libm's for every value, signed zeros included")
  func roundingEqualsLibm() throws {
    let ours: [(String, Rounding)] = [
      ("ceil", clibm_ceil), ("floor", clibm_floor), ("trunc", clibm_trunc), ("round", clibm_round),
    ]
    let values = Self.doubles()
    for (name, function) in ours {
      let reference = try Self.libm(name, as: Rounding.self)
      let wrong = values.filter { !Self.same(function($0), reference($0)) }
      #expect(wrong.isEmpty, "\(name) differs from libm's for \(wrong.prefix(5))")
    }
  }

  @Test("ceilf, floorf, truncf and roundf equal libm's for every value")
  func floatRoundingEqualsLibm() throws {
    let ours: [(String, RoundingFloat)] = [
      ("ceilf", clibm_ceilf), ("floorf", clibm_floorf), ("truncf", clibm_truncf), ("roundf", clibm_roundf),
    ]
    let values = Self.floats()
    for (name, function) in ours {
      let reference = try Self.libm(name, as: RoundingFloat.self)
      let wrong = values.filter { !Self.same(function($0), reference($0)) }
      #expect(wrong.isEmpty, "\(name) differs from libm's for \(wrong.prefix(5))")
    }
  }

  @Test("Other functions are libm's, looked up on their first call")
  func forwardedFunctionsAreLibms() throws {
    // remquo, with an out-parameter, through this module's definition (the symbol this binary
    // links) and straight from libm.
    typealias RemainderQuotient = @convention(c) (Double, Double, UnsafeMutablePointer<Int32>?) -> Double
    let reference = try Self.libm("remquo", as: RemainderQuotient.self)
    let dividend = Double(CommandLine.arguments.count) + 28.75
    var quotient: Int32 = 0
    var expectedQuotient: Int32 = 0
    let remainder = Glibc.remquo(dividend, 3.5, &quotient)
    #expect(remainder == reference(dividend, 3.5, &expectedQuotient))
    #expect(quotient == expectedQuotient)
    #expect(clibm_resolved_count() > 0)
    // long double, passed in memory: Float80's rounding calls ceill.
    let value = Float80(dividend) + 0.25
    #expect(value.rounded(.up) == Float80(dividend).rounded(.down) + 1)
    #expect(Glibc.hypot(3.0, Double(CommandLine.arguments.count) * 0 + 4) == 5)
  }
}
