package httpapi_test

import (
	"bytes"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/memory"
)

// The fuzz targets below send one JSON request body each, seeded with
// valid bodies, as a caller who may send it. Whatever the body, the server
// must not panic or answer 500, and a body it refuses (status >= 400) must
// change nothing in the store. A body may name the demo resources by the
// placeholders {nih}, {ous}, {place}, {teacher}, {ousReader},
// {invitation} (the pending invitation to OUS), {agreement} (the active
// agreement of NIH with OUS) and {draft} (the draft one), which are
// replaced by their IDs before it is sent, and {token}, the token of that
// invitation's link.
//
// Run one with, for example,
//
//	go test -run '^$' -fuzz '^FuzzCreateOrganisation$' -fuzztime 3s ./examples/server/httpapi

func FuzzCreateOrganisation(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "POST", "/api/organisations",
		`{"name":"Brønnøysundregistrene","orgNumber":"974760673"}`,
		`{"name":"Brønnøysundregistrene","orgNumber":"974 760 673"}`,
		`{"name":"","orgNumber":"123"}`)
}

func FuzzUpdateOrganisation(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "PUT", "/api/organisations/{ous}",
		`{"name":"Oslo universitetssykehus","orgNumber":"993467049","version":1}`,
		`{"name":"OUS","orgNumber":"993 467 049","version":2}`)
}

func FuzzUpdateInstitution(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "PUT", "/api/institutions/{nih}",
		`{"name":"Norges idrettshøgskole (NIH)","code":"NIH","version":1}`,
		`{"name":"NIH","code":"PHS","version":1}`)
}

func FuzzAssignStaffRole(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "POST", "/api/institutions/{nih}/staff",
		`{"personId":"{ousReader}","role":"teacher"}`,
		`{"personId":"{teacher}","role":"planner"}`,
		`{"personId":"{ousReader}","role":"administrator"}`)
}

func FuzzCreatePlace(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "POST", "/api/organisations/{ous}/places",
		`{"name":"Ny enhet","from":"2030-01-01"}`,
		`{"name":"Ny enhet","from":"2025-01-01","parentId":"{place}","presentation":{"description":"Ny\nklinikk","email":"ny@ous.example.org","phone":"+47 22 00 00 00","pictureRef":"/media/ny.jpg"}}`)
}

func FuzzPlaceChange(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "POST", "/api/places/{place}/changes",
		`{"from":"2030-01-01","name":"Nytt navn"}`,
		`{"from":"2031-06-30","parentId":"00000000-0000-0000-0000-000000000000"}`,
		`{"from":"2032-01-01","close":true}`)
}

func FuzzUpdatePresentation(f *testing.F) {
	fuzzBody(f, &demo.OUSAdmin, "PUT", "/api/places/{place}/presentation",
		`{"description":"Ny tekst","version":1}`,
		`{"description":"To\nlinjer","address":"Sognsvannsveien 20\n0372 Oslo","email":"POST@OUS.EXAMPLE.ORG","phone":"+47 23 07 00 00","pictureRef":"https://ous.example.org/a.jpg","version":1}`)
}

func FuzzAddMember(f *testing.F) {
	fuzzBody(f, &demo.StudySiteAdmin, "POST", "/api/organisations/{ous}/members",
		`{"name":"Ny Person","email":"ny.person@example.org","right":"read"}`,
		`{"name":"Ola Normann","email":"ola@example.org","phone":"+47 900 00 000","nationalId":"01907010003","profile":{"teaches":["idrett"],"supervises":["friidrett"]},"right":"write"}`)
}

func FuzzGrantRight(f *testing.F) {
	fuzzBody(f, &demo.OUSAdmin, "PUT", "/api/organisations/{ous}/members/{ousReader}",
		`{"right":"write"}`, `{"right":"admin"}`, `{"right":"owner"}`)
}

func FuzzUpdatePerson(f *testing.F) {
	fuzzBody(f, &demo.OUSAdmin, "PUT", "/api/people/{ousReader}",
		`{"name":"Aisha Rahman","email":"aisha.rahman@ous.example.org","version":1}`,
		`{"name":"Aisha R.","email":"aisha@ous.example.org","phone":"+47 400 00 000","profile":{"supervises":["sykepleie","fysioterapi"]},"version":1}`)
}

func FuzzInvite(f *testing.F) {
	fuzzBody(f, &demo.OUSAdmin, "POST", "/api/organisations/{ous}/invitations",
		`{"name":"Ny Person","email":"ny.person@example.org","right":"read"}`,
		`{"name":"Kari Nilsen","email":"KARI@EXAMPLE.ORG","nationalId":"01907010003","right":"write","language":"en"}`,
		`{"name":"Ola","email":"ola@example.org","right":"admin","language":"nb"}`,
		`{"name":"Ola","email":"aisha.rahman@ous.example.org","right":"read"}`,
		`{"name":"Ola","email":"ola@example.org","right":"owner","language":"de"}`)
}

func FuzzDevAccept(f *testing.F) {
	fuzzBody(f, nil, "POST", "/auth/dev-accept",
		`{"token":"{token}","nationalId":"01907010003"}`,
		`{"token":"{token}","nationalId":"019070 10003"}`,
		`{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","nationalId":"01907010003"}`,
		`{"token":"{token}","nationalId":"01907010004"}`,
		`{"token":"{token}"}`)
}

func FuzzDevLogin(f *testing.F) {
	fuzzBody(f, nil, "POST", "/auth/dev-login",
		`{"email":"aisha.rahman@ous.example.org"}`, `{"personId":"{ousReader}"}`, `{}`)
}

// fuzzServers keeps one server per fuzz target and process. An input that
// changes the store gets the next input a fresh store with the demo data,
// swapped in under the same server, which is much faster than a new one.
var fuzzServers struct {
	sync.Mutex
	byTarget map[string]*fuzzServer
}

// fuzzServer is the server of a fuzz target, the caller's token, and the
// resources the bodies name.
type fuzzServer struct {
	b       *testBundle
	swap    *swapStore
	targets matrixTargets
	token   string
	caller  *demo.User
	fresh   bool // the store holds the demo data only
}

// swapStore is a store whose memory store can be replaced.
type swapStore struct{ *memory.Store }

// newFuzzServer starts the server of a fuzz target.
func newFuzzServer(t *testing.T, caller *demo.User) *fuzzServer {
	s := &fuzzServer{swap: &swapStore{}, caller: caller}
	s.b = newBundle(t, func(m *memory.Store) practice.Store { s.swap.Store = m; return s.swap })
	inProcess(s.b)
	s.start()
	return s
}

// start logs the caller in and finds the targets in the current store.
func (s *fuzzServer) start() {
	s.targets = targetsOf(s.b)
	s.token = ""
	if s.caller != nil {
		s.token = s.b.login(s.caller.Email)
	}
	s.fresh = true
}

// reset swaps in a fresh store with the demo data.
func (s *fuzzServer) reset(t *testing.T) {
	store := memory.New()
	svc, invites, agreements := loadDemo(t, store)
	s.swap.Store = store
	b := *s.b
	b.t, b.store, b.svc, b.invites, b.agreements = t, store, svc, invites, agreements
	b.nih = b.institutionByCode(demo.InstitutionCode)
	b.phs = b.institutionByCode(demo.OtherInstitutionCode)
	b.ous = b.orgByNumber(demo.OUSOrgNumber)
	b.oslo = b.orgByNumber(demo.OsloOrgNumber)
	s.b = &b
	s.start()
}

// fuzzBody runs a fuzz target for the JSON body of method and path, sent
// by caller (nil: anonymous).
func fuzzBody(f *testing.F, caller *demo.User, method, path string, seeds ...string) {
	seedBytes := make([][]byte, len(seeds))
	for i, seed := range seeds {
		seedBytes[i] = []byte(seed)
	}
	fuzzRequest(f, caller, method, path, "application/json", seedBytes...)
}

// fuzzRequest runs a fuzz target for the body of method and path, sent by
// caller (nil: anonymous) with a Content-Type.
func fuzzRequest(f *testing.F, caller *demo.User, method, path, contentType string, seeds ...[]byte) {
	for _, seed := range seeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzServers.Lock()
		defer fuzzServers.Unlock()
		if fuzzServers.byTarget == nil {
			fuzzServers.byTarget = map[string]*fuzzServer{}
		}
		s := fuzzServers.byTarget[f.Name()]
		if s == nil {
			s = newFuzzServer(t, caller)
			fuzzServers.byTarget[f.Name()] = s
		}
		if !s.fresh {
			s.reset(t)
		}
		b := *s.b
		b.t = t
		m := s.targets
		replace := func(text []byte) []byte {
			for _, r := range [][2]string{{"{nih}", m.nih}, {"{ous}", m.ous}, {"{place}", m.place}, {"{teacher}", m.teacher},
				{"{ousReader}", m.ousReader}, {"{invitation}", m.invitation}, {"{token}", m.token},
				{"{agreement}", m.agreement}, {"{draft}", m.draft}} {
				text = bytes.ReplaceAll(text, []byte(r[0]), []byte(r[1]))
			}
			return text
		}

		before := b.state()
		res := b.do(method, string(replace([]byte(path))), s.token, form{contentType: contentType, data: replace(body)})
		require.Less(t, res.status, http.StatusInternalServerError, "%s", res.body)
		after := b.state()
		if res.status >= 400 {
			problem(t, res, res.status)
			require.Equal(t, before, after, "a refused body changed the store")
		}
		s.fresh = before == after
	})
}
