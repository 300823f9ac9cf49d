/// The outside figures the plans compare with (DOMAIN.md fact 15), as the simulation records them:
/// one value a year, national averages without a municipality, population figures per municipality.
enum ReferenceFigures {
    /// One reference figure: its name, unit and how its yearly value is made.
    struct Figure {
        /// The figure's name (an identifier), e.g. `national-average/M11`.
        var name: String
        /// Its unit, one of `Catalog.units`.
        var unit: String
        /// Whether it is given per municipality (population figures) rather than nationally.
        var perMunicipality: Bool
        /// The national value in tenths in the first simulated year, or for a municipal figure the
        /// value in tenths per simulated citizen of the municipality.
        var baseTenths: Int
        /// Change in tenths from one year to the next.
        var yearlyChangeTenths: Int
        /// Random spread in tenths, both ways.
        var spreadTenths: Int
    }

    /// Every figure recorded.
    static let all: [Figure] = [
        Figure(name: "national-average/M11", unit: "percent", perMunicipality: false, baseTenths: 125, yearlyChangeTenths: 4, spreadTenths: 6),
        Figure(
            name: "national-average/M13-formidlingsgrad", unit: "percent", perMunicipality: false, baseTenths: 620, yearlyChangeTenths: 10,
            spreadTenths: 20),
        Figure(
            name: "national-average/M13-besaettelsesgrad", unit: "percent", perMunicipality: false, baseTenths: 740, yearlyChangeTenths: 5,
            spreadTenths: 20),
        Figure(name: "national-average/M9", unit: "percent", perMunicipality: false, baseTenths: 480, yearlyChangeTenths: 8, spreadTenths: 15),
        Figure(name: "national-average/M15", unit: "percent", perMunicipality: false, baseTenths: 330, yearlyChangeTenths: 12, spreadTenths: 15),
        Figure(name: "national-average/M12-ledige", unit: "percent", perMunicipality: false, baseTenths: 58, yearlyChangeTenths: -3, spreadTenths: 2),
        Figure(
            name: "national-average/M12-sygedagpenge-jobafklaring", unit: "percent", perMunicipality: false, baseTenths: 29, yearlyChangeTenths: -1,
            spreadTenths: 1),
        Figure(
            name: "national-average/M12-uddannelseshjaelp", unit: "percent", perMunicipality: false, baseTenths: 13, yearlyChangeTenths: 0,
            spreadTenths: 1),
        Figure(
            name: "national-average/M17-citizens", unit: "percent", perMunicipality: false, baseTenths: 770, yearlyChangeTenths: 5, spreadTenths: 15),
        Figure(
            name: "national-average/M17-companies", unit: "percent", perMunicipality: false, baseTenths: 840, yearlyChangeTenths: 3, spreadTenths: 15),
        Figure(name: "labour-force", unit: "persons", perMunicipality: true, baseTenths: 90, yearlyChangeTenths: 0, spreadTenths: 3),
        Figure(name: "population-16-66", unit: "persons", perMunicipality: true, baseTenths: 120, yearlyChangeTenths: 0, spreadTenths: 3),
    ]

    /// The source every figure names.
    static let source = "Jobindsats (synthetic)"
}
