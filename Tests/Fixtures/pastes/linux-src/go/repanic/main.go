// A deferred function panics again while the first panic unwinds.
package main

import "errors"

func cleanup() {
	if r := recover(); r != nil {
		panic(errors.New("cleanup failed after: " + r.(error).Error()))
	}
}

func run() {
	defer cleanup()
	var p *[4]int
	_ = p[2]
}

func main() { run() }
