import LedgerCore

// Activation measures: M10 (self-support after activation start), M11 (share in company-oriented
// activation) and M20 (activations started).
// Each rule's doc comment quotes DOMAIN.md's definition and names the choices of FORMAT.md section 10;
// the dispatch from a measure's id to its rule is in MeasureRules.swift.

extension MeasureEngine {
    /// M10, self-support after activation start: self-supporting 28 / 91 / 182 days after the start.
    ///
    /// DOMAIN.md: "of activations started in P, the share whose citizen is self-supporting on start + 28 /
    /// 91 / 182 days; per activation kind and per provider".
    ///
    /// FORMAT.md section 10: variants `13w` (the default), `4w`, `26w` (start + 91, 28, 182
    /// days); breakdowns per activation kind and per provider (the jobcenter or the named other
    /// actor); self-supporting is on no benefit and in no flex job.
    func m10(_ p: Period, days: Int, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for a in h.activations where p.contains(a.start) {
                    let later = a.start.adding(days: days)
                    let ok = DerivedStates.selfSupporting(h, on: later)
                    let n: Double = ok ? 1 : 0
                    c.add(a.municipality, numerator: n, denominator: 1, citizen: h.pseudonym, seqs: [a.startSeq], reason: "activation \(a.activityID) started \(a.start); on \(later) " + (ok ? "self-supporting" : "not"))
                    c.addBreakdown("kind", Catalog.activationKinds[Int(a.kind)], a.municipality, numerator: n, denominator: 1, slot: ProjectionPartition.of(h.pseudonym))
                    c.addBreakdown("provider", a.provider, a.municipality, numerator: n, denominator: 1, slot: ProjectionPartition.of(h.pseudonym))
                }
            }
        }
    }

    /// M11, share in company-oriented activation at D, of the citizens on five benefits.
    ///
    /// DOMAIN.md: "of citizens on a-dagpenge, kontanthjælp, uddannelseshjælp, ledighedsydelse or
    /// selvforsørgelses- og hjemrejseydelse on D, the share in company-oriented activation on D".
    ///
    /// FORMAT.md section 10: the five benefits of the definition; the municipality of the first such spell
    /// covering D; company-oriented activation is virksomhedspraktik, løntilskud or nytteindsats covering D.
    func m11(_ d: Day, _ c: inout Context) {
        let benefits: CodeSet = [DerivedStates.aDagpenge, DerivedStates.kontanthjaelp, DerivedStates.uddannelseshjaelp, DerivedStates.ledighedsydelse, DerivedStates.selvforsoergelse]
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                guard let spell = h.spells.first(where: { benefits.contains($0.benefit) && DerivedStates.interval($0).contains(d) }) else { continue }
                let active = DerivedStates.inCompanyActivation(h, on: d)
                c.add(spell.municipality, numerator: active ? 1 : 0, denominator: 1, citizen: h.pseudonym, seqs: [spell.startSeq],
                      reason: "on \(Catalog.benefits[Int(spell.benefit)])" + (active ? ", in company-oriented activation" : ""))
            }
        }
    }

    /// M20, activations started in the period, per kind, provider and match category.
    ///
    /// DOMAIN.md: "activations started per kind, per provider and per match category (e.g. nytteindsats
    /// referrals by target group)".
    ///
    /// FORMAT.md section 10: activations started in P, with breakdowns per kind, per provider and per
    /// match category on the start day (`none` before any assessment); `kind=NAME` restricts to one kind.
    func m20(_ p: Period, kind: String?, _ c: inout Context) {
        state.citizens.withUnsafeBufferPointer { citizens in
            for h in citizens where c.walks(h.pseudonym) {
                for a in h.activations where p.contains(a.start) {
                    let kindName = Catalog.activationKinds[Int(a.kind)]
                    if let kind, kind != kindName { continue }
                    c.add(a.municipality, numerator: 1, citizen: h.pseudonym, seqs: [a.startSeq], reason: "\(kindName) started \(a.start)")
                    c.addBreakdown("kind", kindName, a.municipality, numerator: 1, denominator: 0, slot: ProjectionPartition.of(h.pseudonym))
                    c.addBreakdown("provider", a.provider, a.municipality, numerator: 1, denominator: 0, slot: ProjectionPartition.of(h.pseudonym))
                    let category = DerivedStates.category(h, on: a.start).map { Catalog.matchCategories[Int($0)] } ?? "none"
                    c.addBreakdown("category", category, a.municipality, numerator: 1, denominator: 0, slot: ProjectionPartition.of(h.pseudonym))
                }
            }
        }
    }
}
