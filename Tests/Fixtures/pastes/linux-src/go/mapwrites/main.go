// Two goroutines writing one map: the runtime's fatal error, which no recover can catch.
package main

import "time"

func fill(m map[int]int, base int) {
	for i := 0; ; i++ {
		m[base+i%100] = i
	}
}

func main() {
	m := map[int]int{}
	go fill(m, 0)
	go fill(m, 1000)
	time.Sleep(5 * time.Second)
}
