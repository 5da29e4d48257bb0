package learn

import "flag"

// gradeOpts are grade's flags for classes: JUnit, shards, merging.
type gradeOpts struct {
	junitOut string
	shard    string
	merge    bool
}

func (g *gradeOpts) register(fs *flag.FlagSet) {
	fs.StringVar(&g.junitOut, "junit", "", "write the grades as JUnit XML to `FILE` (- for standard output): a test suite per student, a test case per exercise")
	fs.StringVar(&g.shard, "shard", "", "grade only part `K/N` of the students (sorted by path, dealt round-robin), for a CI matrix")
	fs.BoolVar(&g.merge, "merge", false, "the arguments are JSON reports of grade (shards of a class): merge them into one report")
}
