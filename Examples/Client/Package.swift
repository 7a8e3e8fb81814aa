// swift-tools-version: 6.1
//
// A program that uses the crash-analysis library as any other package would: by a package
// dependency, `import CrashAnalysis`, nothing else. CI builds and runs it (`.ci/run`).
//
// Here the dependency is this checkout, by path. A package dependency's identity is the last
// component of its path or URL, so it is computed below; in your own Package.swift, depending on
// the repository by URL, write that name:
//
//   .package(url: "https://example.org/you/crash-analysis.git", from: "0.1.0"),
//   .product(name: "CrashAnalysis", package: "crash-analysis"),

import PackageDescription

let checkout = Context.packageDirectory.split(separator: "/").dropLast(2).joined(separator: "/")
let identity = String(checkout.split(separator: "/").last ?? "main").lowercased()

let package = Package(
  name: "Client",
  dependencies: [.package(path: "/" + checkout)],
  targets: [
    .executableTarget(name: "Client", dependencies: [.product(name: "CrashAnalysis", package: identity)])
  ]
)
