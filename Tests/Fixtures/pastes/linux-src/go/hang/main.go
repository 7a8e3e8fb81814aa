// A server-like program whose workers wait on a lock that is never released;
// an operator sends SIGQUIT to see where every goroutine waits.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

var mu sync.Mutex

//go:noinline
func handle(id int) {
	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintln(os.Stderr, "handled", id)
}

func main() {
	mu.Lock()
	for i := 0; i < 2; i++ {
		go handle(i)
	}
	time.Sleep(time.Hour)
}
