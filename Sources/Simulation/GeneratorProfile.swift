/// The rates a simulated jobcenter's history is drawn with, so that a history can be calibrated to
/// a jobcenter's published figures. ``generic`` is the generator's original behaviour: with it the
/// output is exactly what it was before profiles existed (every extra random draw is skipped when
/// its rate is zero or its list is absent).
public struct GeneratorProfile: Sendable, Equatable {
    /// Share of job placements made on the employer's request (M3), in years without their own share.
    public var employerRequestShare: Double
    /// Share of job placements made on the employer's request by calendar year of the placement's start.
    public var employerRequestShareByYear: [Int: Double]
    /// Weight of the flex-job track among adults who are not refugees (others: insured 0.51, cash
    /// 0.15, sick 0.15, complex 0.14); fewer flex-approved citizens give fewer flex-job starts (M4).
    public var flexTrackWeight: Double
    /// Subtracted from the share of unemployment spells that end within three months: a heavier
    /// long tail gives more long-term unemployed (M1).
    public var shortSpellShareShift: Double
    /// Of the unemployment spells over three months, the cumulative share that end within a year;
    /// then within two years (the rest run up to 1,400 days).
    public var spellTailThresholds: [Double]
    /// Cumulative shares of sick-leave cases of up to 8 weeks, 26 weeks and 52 weeks (the rest run
    /// up to 800 days): M7.
    public var sickLeaveThresholds: [Double]
    /// Weight of disability pension among the outcomes of a ressourceforløb or jobafklaringsforløb
    /// (the others: flex job 0.45, a cash benefit 0.25, other 0.15).
    public var longTermPensionWeight: Double
    /// Cumulative shares of ledighedsydelse spells of up to 180 and 548 days (the rest run up to
    /// 1,400 days): M6.
    public var ledighedsydelseThresholds: [Double]
    /// Share of the citizens in the caseload at the start (registered within its first 30 days),
    /// aged 35 or more and not refugees, who are on the way to a disability pension
    /// (M2): on a cash benefit, aktivitetsparat, until the award.
    public var pensionPipelineShare: Double
    /// Mean days from registration to such an award (exponential).
    public var pensionPipelineMeanDays: Double
    /// Relative numbers of citizens per municipality (nil: an even spread).
    public var municipalityWeights: [Double]?

    /// Makes a profile; every rate defaults to the generic one.
    public init(
        employerRequestShare: Double = 0.4, employerRequestShareByYear: [Int: Double] = [:], flexTrackWeight: Double = 0.05,
        shortSpellShareShift: Double = 0, spellTailThresholds: [Double] = [0.6, 0.9], sickLeaveThresholds: [Double] = [0.55, 0.78, 0.92],
        longTermPensionWeight: Double = 0.15, ledighedsydelseThresholds: [Double] = [0.45, 0.75],
        pensionPipelineShare: Double = 0, pensionPipelineMeanDays: Double = 365, municipalityWeights: [Double]? = nil
    ) {
        self.employerRequestShare = employerRequestShare
        self.employerRequestShareByYear = employerRequestShareByYear
        self.flexTrackWeight = flexTrackWeight
        self.shortSpellShareShift = shortSpellShareShift
        self.spellTailThresholds = spellTailThresholds
        self.sickLeaveThresholds = sickLeaveThresholds
        self.longTermPensionWeight = longTermPensionWeight
        self.ledighedsydelseThresholds = ledighedsydelseThresholds
        self.pensionPipelineShare = pensionPipelineShare
        self.pensionPipelineMeanDays = pensionPipelineMeanDays
        self.municipalityWeights = municipalityWeights
    }

    /// The generator's original rates (not calibrated to any jobcenter).
    public static let generic = GeneratorProfile()

    /// Jobcenter Frederikssund (250), calibrated to its 2011-2014 figures (EventLogs/README.md).
    public static let frederikssund2014 = GeneratorProfile(
        employerRequestShare: 0.038, employerRequestShareByYear: [2013: 0.07, 2014: 0.115], flexTrackWeight: 0.006,
        shortSpellShareShift: 0.09, longTermPensionWeight: 0.13, pensionPipelineShare: 0.05, pensionPipelineMeanDays: 300)

    /// Jobcenter Vallensbæk (Ishøj 183, Vallensbæk 187), calibrated to its 2013-2014 figures.
    public static let vallensbaek2014 = GeneratorProfile(
        flexTrackWeight: 0.01, shortSpellShareShift: 0.15, sickLeaveThresholds: [0.44, 0.54, 0.955], longTermPensionWeight: 0.07,
        ledighedsydelseThresholds: [0.30, 0.50], pensionPipelineShare: 0.035, pensionPipelineMeanDays: 1_000, municipalityWeights: [3, 1])

    /// The employer-request share for a placement starting in `year`.
    func employerRequestShare(in year: Int) -> Double {
        employerRequestShareByYear[year] ?? employerRequestShare
    }
}
