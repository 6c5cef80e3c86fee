package notify_test

import (
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
)

// BenchmarkDeliver10k delivers 10,000 invite.EventMail events through the
// InviteHandler, with 8 workers as the outbox runs them, to an SMTP server
// in the process, and checks that each Message-ID arrived exactly once. It
// reports mails/s:
//
//	go test -run '^$' -bench Deliver10k -benchtime 3x ./notify
func BenchmarkDeliver10k(b *testing.B) {
	const mails, workers = 10_000, 8
	r := newRenderer(b)
	src := &source{pending: true, mail: func(ref invite.EventRef) invite.Mail {
		m := sampleMail()
		m.To = ref.InvitationID.String()[24:] + "@example.no"
		m.Name = "Ola Nordmann"
		m.Token = ref.InvitationID.String()
		return m
	}}
	deliveries := make([]practice.Delivery, mails)
	for i := range deliveries {
		deliveries[i] = delivery(b, invite.MailInvitation)
	}

	for b.Loop() {
		b.StopTimer()
		src.refs = nil
		srv := startServer(b, 0)
		s := newSMTP(b, srv, workers)
		h := &notify.InviteHandler{Mails: src, Renderer: r, Sender: s}
		work := make(chan practice.Delivery)
		errs := make(chan error, workers)
		var wg sync.WaitGroup
		b.StartTimer()

		for range workers {
			wg.Go(func() {
				for d := range work {
					if err := h.Handle(b.Context(), d); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		for _, d := range deliveries {
			work <- d
		}
		close(work)
		wg.Wait()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}

		b.StopTimer()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		checkOnce(b, srv, deliveries)
		_ = srv.Stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(mails*b.N)/b.Elapsed().Seconds(), "mails/s")
}

// checkOnce fails b unless every delivery's Message-ID arrived at srv
// exactly once, and nothing else did.
func checkOnce(b *testing.B, srv *smtpmock.Server, deliveries []practice.Delivery) {
	b.Helper()
	got, err := srv.WaitForMessages(len(deliveries), 10*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	seen := map[string]int{}
	for _, m := range got {
		if !m.Msg() {
			continue // a connection that sent nothing
		}
		msg, err := mail.ReadMessage(strings.NewReader(m.MsgRequest()))
		if err != nil {
			b.Fatal(err)
		}
		seen[msg.Header.Get("Message-ID")]++
	}
	for _, d := range deliveries {
		id := fmt.Sprintf("<%s@praksis.example.no>", d.ID)
		if seen[id] != 1 {
			b.Fatalf("message %s arrived %d times", id, seen[id])
		}
		delete(seen, id)
	}
	if len(seen) > 0 {
		b.Fatalf("%d messages arrived that were not sent", len(seen))
	}
}
