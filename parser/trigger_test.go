package parser

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestFirstTrigger checks the AVX2 search against one bytes.Index per
// trigger, at every start, on text with triggers planted at random places
// (block edges, buffer ends, partial triggers, anchor bytes without the rest).
func TestFirstTrigger(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2: firstTrigger is firstTriggerIndex")
	}
	for _, tr := range triggers {
		o1, o2 := anchors(tr)
		t.Logf("%-20q anchors %q@%d %q@%d", tr, tr[o1], o1, tr[o2], o2)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	filler := []byte("the quick brown fox jumps over a lazy dog; Credential redentia uthori IMD AADST az logi zdy ")
	for iter := 0; iter < 3000; iter++ {
		n := rng.IntN(600)
		buf := make([]byte, n)
		for i := range buf {
			buf[i] = filler[rng.IntN(len(filler))]
		}
		for k := rng.IntN(4); k > 0 && n > 0; k-- {
			tr := triggers[rng.IntN(len(triggers))]
			if rng.IntN(3) == 0 {
				tr = tr[:rng.IntN(len(tr))] // partial
			}
			at := rng.IntN(n)
			copy(buf[at:], tr)
		}
		for from := 0; from <= n; from++ {
			got, want := firstTrigger(buf, from), firstTriggerIndex(buf, from)
			if got != want {
				t.Fatalf("iter %d, from %d: got %d, want %d in %q", iter, from, got, want, buf)
			}
		}
	}
}

// TestHitCacheGrowth: the cache finds a trigger that straddles the end of
// the data read so far once the rest arrives.
func TestHitCacheGrowth(t *testing.T) {
	var c hitCache
	c.reset()
	buf := []byte("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ClientSecretCred" + "ential authentication failed")
	cut := bytes.Index(buf, []byte("ential"))
	if p := c.next(buf[:cut], 0); p != -1 {
		t.Fatalf("partial: got %d", p)
	}
	want := bytes.Index(buf, []byte("redential"))
	if p := c.next(buf, 0); p != want {
		t.Fatalf("after growth: got %d, want %d", p, want)
	}
}

// TestWordSet checks the fast path's word search against bytes.Contains per
// word, on the word lists and on text made of their pieces.
func TestWordSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var pieces []string
	for _, w := range append(append([][]byte{}, failureWords...), successWords...) {
		pieces = append(pieces, string(w), string(w[:len(w)/2]), string(w[len(w)/2:]), " ")
	}
	for iter := 0; iter < 20000; iter++ {
		var b []byte
		for k := rng.IntN(8); k > 0; k-- {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		f, s := fastWords.classes(b)
		wf, ws := containsAny(b, failureWords), containsAny(b, successWords)
		if f != wf || !f && s != ws {
			t.Fatalf("%q: got failure=%v success=%v, want %v %v", b, f, s, wf, ws)
		}
	}
}

// BenchmarkFirstTrigger measures the trigger search alone over text with no
// trigger, 1 MiB at a time.
func BenchmarkFirstTrigger(b *testing.B) {
	buf := make([]byte, 1<<20)
	words := []byte("the quick brown fox jumps over a lazy dog while logging every request, response and retry; ")
	for i := range buf {
		buf[i] = words[i%len(words)]
	}
	b.Run("pairs", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			if firstTrigger(buf, 0) >= 0 {
				b.Fatal("hit")
			}
		}
	})
	b.Run("index", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			if firstTriggerIndex(buf, 0) >= 0 {
				b.Fatal("hit")
			}
		}
	})
}
