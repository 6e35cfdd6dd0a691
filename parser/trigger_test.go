package parser

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFirstTrigger checks the one-pass trigger search against one
// bytes.Index per trigger on generated log text, from every line start and
// from just after every hit.
func TestFirstTrigger(t *testing.T) {
	text := []byte(strings.Repeat("2024-06-16T01:34:20Z INFO ManagedIdentityCredential.GetToken() acquired a token; "+
		"user not authorized? IMDS probe; managed identity; run az login or azd auth login; Connect-AzAccount; "+
		"Identity not found; AADSTS7000215 ClientSecretCredential\n", 50))
	for from := 0; from < len(text); from++ {
		if got, want := firstTrigger(text, from), firstTriggerIndex(text, from); got != want {
			t.Fatalf("from %d: got %d, want %d", from, got, want)
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
	if p, _ := c.next(buf[:cut], 0); p != -1 {
		t.Fatalf("partial: got %d", p)
	}
	want := bytes.Index(buf, []byte("redential"))
	if p, _ := c.next(buf, 0); p != want {
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
