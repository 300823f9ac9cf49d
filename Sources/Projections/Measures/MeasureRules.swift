import LedgerCore

// The measures' side of the engine: which rule computes a measure, and what the engine must know of
// a measure beyond its definition (whether it splits by partition, whether a variant gives a count,
// what of it is computed once after a split). The rules are in one file per family:
// UnemploymentMeasures (M1, M1b, M6, M7), PensionAndFlexJobMeasures (M2, M4, M5), PlacementMeasures
// (M3, M13), YouthMeasures (M8, M9, M19, M22), ActivationMeasures (M10, M11, M20), HoursMeasures
// (M12, M14, M15) and CompanyMeasures (M16, M17, M18, M21).
//
// The rules walk the histories through `withUnsafeBufferPointer`: a history taken from the array
// itself (`for h in state.citizens`) is copied, retaining each of its arrays, and a report walks
// every history dozens of times.

extension MeasureEngine {
    /// Runs the measure's rule into `context`: the dispatch from a measure's id to its rule.
    func run(_ definition: MeasureDefinition, evaluation: Evaluation, variant: String?, request: MeasureRequest,
             _ context: inout Context) throws(MeasureError) {
        switch definition.id {
        case "M1": m1(evaluation.day!, &context)
        case "M1b": m1b(evaluation.day!, &context)
        case "M2": m2(evaluation.period, &context)
        case "M3": m3(evaluation.period, &context)
        case "M4": m4(evaluation.period, &context)
        case "M5": m5(evaluation.day!, &context)
        case "M6": m6(evaluation.day!, &context)
        case "M7": m7(evaluation.day!, weeks52: variant == "52w", &context)
        case "M8": m8(evaluation.period, &context)
        case "M9": m9(evaluation.period, &context)
        case "M10": m10(evaluation.period, days: variant == "4w" ? 28 : variant == "26w" ? 182 : 91, &context)
        case "M11": m11(evaluation.day!, &context)
        case "M12": try m12(evaluation.period, benefits: request.benefits, &context)
        case "M13": m13(evaluation.period, fillRate: variant == "besaettelsesgrad", &context)
        case "M14": m14(evaluation.period, &context)
        case "M15": try m15(evaluation.day!, arrival: request.filter["arrival"], &context)
        case "M16": m16(evaluation.period, &context)
        case "M17": m17(evaluation.period, companies: variant == "companies", &context)
        case "M18": m18(evaluation.period, name: request.filter["event"], &context)
        case "M19": m19(evaluation.day!, &context)
        case "M20": m20(evaluation.period, kind: request.filter["kind"], &context)
        case "M21": m21(evaluation.period, &context)
        case "M22": m22(evaluation.period, &context)
        default: throw MeasureError(message: "measure \(definition.id) is not implemented")
        }
    }

    /// Whether a measure can be computed on several threads, by partition.
    ///
    /// It can when its parts are all citizens' parts, each counted in the citizen's partition's
    /// slot (no breakdowns). M21's citizens' part is; its companies' part is computed once, after.
    public static func splitsByPartition(_ measure: String) -> Bool {
        switch measure {
        case "M1", "M1b", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M11", "M12", "M14", "M15", "M19", "M21", "M22": return true
        default: return false
        }
    }

    /// Whether a share measure's variant gives its numerator alone, a count (M8's `count`).
    static func givesCount(_ definition: MeasureDefinition, variant: String?) -> Bool {
        definition.id == "M8" && variant == "count"
    }

    /// One thread's part of a measure split by partition, computed into `share`: the rule, or for
    /// M21 its citizens' part only. Returns the items not about a person that the share's citizens
    /// touched, by key, with the events that did (M21: the companies used); empty for the others.
    func runShare(_ prepared: Prepared, _ share: inout Context) throws(MeasureError) -> [String: [Int64]] {
        if prepared.definition.id == "M21" {
            return m21Citizens(prepared.evaluation.period, &share)
        }
        try run(prepared.definition, evaluation: prepared.evaluation, variant: prepared.variant, request: prepared.request, &share)
        return [:]
    }

    /// The part of a measure split by partition that is computed once, after the shares are put
    /// together, from the items they touched (``runShare(_:_:)``): M21's companies' part; nothing
    /// for the others.
    func completeSplit(_ definition: MeasureDefinition, evaluation: Evaluation, touched: [String: [Int64]], _ context: inout Context) {
        if definition.id == "M21" {
            m21Companies(evaluation.period, used: touched, &context)
        }
    }
}
