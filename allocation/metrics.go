package allocation

import (
	"cmp"
	"slices"

	"github.com/praksis/praksis/practice"
)

// Metrics measure a round.
type Metrics struct {
	Algorithm Algorithm `json:"algorithm"`
	Students  int       `json:"students"`
	Placed    int       `json:"placed"` // pins and fills included
	Unplaced  int       `json:"unplaced"`
	Pinned    int       `json:"pinned"`
	Filled    int       `json:"filled"`
	// RankHistogram counts the students placed at each position of their
	// list: RankHistogram[0] at their first choice, and so on.
	RankHistogram []int `json:"rankHistogram"`
	// Ranking counts the students with a list and no pin: those the rank
	// measures speak of.
	Ranking int `json:"ranking"`
	// FirstChoiceShare is the share of Ranking who got their first choice.
	FirstChoiceShare float64 `json:"firstChoiceShare"`
	// MeanRank is the mean rank of the students placed from their list.
	MeanRank  float64     `json:"meanRank"`
	Seats     int         `json:"seats"`
	SeatsUsed int         `json:"seatsUsed"`
	Places    []PlaceFill `json:"places"`
	// ByClass is the placement rate per priority class, in class order,
	// ending with students without a class ("").
	ByClass []Rate `json:"byClass"`
	// ByRegion is the placement rate per student's region, by name.
	ByRegion []Rate `json:"byRegion"`
	// BlockingPairs counts the pairs of Result.BlockingPairs: 0 means
	// the result is stable.
	BlockingPairs int `json:"blockingPairs"`
}

// PlaceFill is the seats used at one place.
type PlaceFill struct {
	Place  practice.ID `json:"place"`
	Region string      `json:"region,omitempty"`
	Seats  int         `json:"seats"`
	Used   int         `json:"used"`
}

// Rate is the placement rate of a set of students.
type Rate struct {
	Name     string  `json:"name"`
	Students int     `json:"students"`
	Placed   int     `json:"placed"`
	Rate     float64 `json:"rate"` // Placed / Students, 0 when there are none
}

// Metrics measures the result.
func (r *Result) Metrics() Metrics {
	p := r.p
	m := Metrics{Algorithm: r.opts.Algorithm, Students: len(r.choice)}
	longest := 0
	for s := range r.choice {
		longest = max(longest, int(p.start[s+1]-p.start[s]))
	}
	m.RankHistogram = make([]int, longest)
	byClass := make([]Rate, len(p.round.Classes)+1)
	for i, c := range p.round.Classes {
		byClass[i].Name = c
	}
	regions := map[string]*Rate{}
	rankSum, fromList := 0, 0
	for s, k := range r.choice {
		st := &p.round.Students[s]
		placed := r.at[s] >= 0
		rc := &byClass[p.classOf[s]]
		rg := regions[st.Region]
		if rg == nil {
			rg = &Rate{Name: st.Region}
			regions[st.Region] = rg
		}
		rc.Students++
		rg.Students++
		if placed {
			m.Placed++
			rc.Placed++
			rg.Placed++
		}
		switch {
		case k == pinnedChoice:
			m.Pinned++
			continue
		case k == filled:
			m.Filled++
		case k >= 0:
			rank := int(k - p.start[s])
			m.RankHistogram[rank]++
			rankSum += rank + 1
			fromList++
		}
		if len(st.Preferences) > 0 {
			m.Ranking++
		}
	}
	m.Unplaced = m.Students - m.Placed
	if m.Ranking > 0 {
		m.FirstChoiceShare = float64(m.RankHistogram[0]) / float64(m.Ranking)
	}
	if fromList > 0 {
		m.MeanRank = float64(rankSum) / float64(fromList)
	}
	m.Places = make([]PlaceFill, len(p.round.Places))
	for i, pl := range p.round.Places {
		m.Places[i] = PlaceFill{Place: pl.ID, Region: pl.Region, Seats: pl.Seats, Used: int(r.used[i])}
		m.Seats += pl.Seats
		m.SeatsUsed += int(r.used[i])
	}
	for i := range byClass {
		m.ByClass = append(m.ByClass, byClass[i].withRate())
	}
	for _, rg := range regions {
		m.ByRegion = append(m.ByRegion, rg.withRate())
	}
	slices.SortFunc(m.ByRegion, func(a, b Rate) int { return cmp.Compare(a.Name, b.Name) })
	r.blocking(func(int32, int32) { m.BlockingPairs++ })
	return m
}

func (r Rate) withRate() Rate {
	if r.Students > 0 {
		r.Rate = float64(r.Placed) / float64(r.Students)
	}
	return r
}
