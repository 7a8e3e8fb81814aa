// A panic in one worker goroutine while others wait on channels.
package main

import (
	"strconv"
	"sync"
	"time"
)

type job struct{ id int; text string }

//go:noinline
func parse(j job) int {
	n, err := strconv.Atoi(j.text)
	if err != nil {
		panic("job " + strconv.Itoa(j.id) + ": " + err.Error())
	}
	return n
}

func worker(jobs <-chan job, results chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		results <- parse(j)
	}
}

func main() {
	jobs := make(chan job)
	results := make(chan int, 16)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go worker(jobs, results, &wg)
	}
	jobs <- job{1, "12"}
	jobs <- job{2, "x7"}
	time.Sleep(time.Second)
}
