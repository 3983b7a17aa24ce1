//! Tax: which VAT rule applies to a sale, at which rate, and the amounts it produces.
//!
//! Rules for electronically supplied services, in the order they are decided:
//!
//! 1. **Where is the customer?** A business with a usable tax ID: where it is established,
//!    its billing country (Art. 44 Directive). Anyone else: billing, card and IP country, two
//!    agreeing pieces of evidence decide (Art. 24b Implementing Regulation 282/2011); if no
//!    two agree the sale is rejected rather than guessed ([`locate`]).
//! 2. **Which rule?** ([`determine`]) Monaco counts as France and the Isle of Man as the UK;
//!    an address in a member state's territory outside the EU's VAT territory (the Canary
//!    Islands, Åland, …; [`territory`]) is outside the scope. Same country as the seller:
//!    domestic rate, businesses included. Another member state: reverse charge for a
//!    business with a usable VAT ID, otherwise the customer's member-state rate under the OSS. Outside the EU: that
//!    country's tax where the seller is registered ([`registration`]); a registered business
//!    customer there is treated as that country's facts say ([`rates::BusinessCustomers`]:
//!    self-accounts in GB and NO, is not charged GST in AU, is charged MWST in CH).
//!    Elsewhere the sale is outside the scope of EU VAT.
//! 3. **Which rate?** The standard rate in force on the tax point date, from the dated
//!    table in [`rates`].
//! 4. **How much?** [`calc`]: tax once per rate on the summed base (EN 16931 BR-CO-17),
//!    rounded half away from zero.
//!
//! Country facts live in [`rates`] as data, one entry per jurisdiction (its rates, its tax's
//! name, its tax-ID prefix and check, its schemes); [`tax_id`] holds the check-digit
//! procedures the entries name. This module holds no rate and no country code.

pub mod calc;
pub mod conversion;
pub mod rates;
pub mod registration;
pub mod tax_id;
pub mod territory;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use domain::country::CountryCode;
use domain::document::{LegendKey, LocationEvidence, TaxCategory, Treatment};
use domain::model::{Company, Customer, CustomerType};
use rates::BusinessCustomers;

/// The rule that applies to one sale, and what the document must say because of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Determination {
    pub treatment: Treatment,
    pub jurisdiction: CountryCode,
    pub tax_name: String,
    pub seller_registration: Option<registration::PrintedRegistration>,
    pub evidence: LocationEvidence,
    pub legends: Vec<LegendSpec>,
}

/// A legend the document must carry: a stable code for machines and the key of its text in
/// the translation files (`crates/locale/i18n/*.toml`, `[legends]`). Its words are chosen when the document
/// is issued, in the customer's language, filled in by the locale stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegendSpec {
    pub code: &'static str,
    pub template: LegendKey,
}

impl Determination {
    /// The category every line of this sale carries (EN 16931 / UNCL 5305).
    pub fn category(&self) -> TaxCategory {
        match self.treatment {
            Treatment::Domestic | Treatment::Oss | Treatment::NonEuTax => TaxCategory::S,
            Treatment::ReverseCharge | Treatment::NonEuReverseCharge => TaxCategory::AE,
            Treatment::OutsideScope => TaxCategory::O,
        }
    }

    /// The currency of a non-EU tax charged here, and whether the document must state its
    /// figures in it ([`rates::LocalCurrency`]): stated for UK VAT (GBP), declared only for
    /// MWST, MVA and GST. `None` where no tax is charged and for EU VAT (see
    /// [`Self::is_eu_vat_charged`]).
    pub fn local_currency(&self) -> Option<rates::LocalCurrency<domain::money::Currency>> {
        use rates::LocalCurrency::{Declared, Stated};
        if self.treatment != Treatment::NonEuTax {
            return None;
        }
        let parse = |code: &str| domain::money::Currency::parse(code).expect("a currency of the rate table");
        Some(match rates::jurisdiction(self.jurisdiction.as_str())?.local_currency? {
            Stated(code) => Stated(parse(code)),
            Declared(code) => Declared(parse(code)),
        })
    }

    /// Whether this tax is EU VAT, which Art. 230 wants stated in the base currency.
    pub fn is_eu_vat_charged(&self) -> bool {
        matches!(self.treatment, Treatment::Domestic | Treatment::Oss)
    }

    /// The percent charged on `date`: the jurisdiction's standard rate, or 0 where the
    /// seller charges none.
    pub fn rate_on(&self, date: NaiveDate) -> Result<Decimal, Refusal> {
        if self.category() != TaxCategory::S {
            return Ok(Decimal::ZERO);
        }
        rates::standard_rate(self.jurisdiction.as_str(), date)
            .ok_or_else(|| Refusal::NoRate { tax_name: self.tax_name.clone(), jurisdiction: self.jurisdiction, date })
    }
}

/// Why a sale cannot be taxed as it stands. Its text completes nothing: it is a sentence of
/// its own, shown with the transaction row it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No two of billing, card and IP country agree.
    LocationDisagrees { billing: CountryCode, card: Option<CountryCode>, ip: Option<CountryCode> },
    /// A consumer in another member state, and the seller is not registered for the OSS.
    NotInOss { country: CountryCode },
    /// The rate table has no rate for the jurisdiction on the date.
    NoRate { tax_name: String, jurisdiction: CountryCode, date: NaiveDate },
    /// No exchange rate to state EU VAT in the base currency (Art. 230).
    NoExchangeRate { base: domain::money::Currency, from: domain::money::Currency, date: NaiveDate },
    /// No exchange rate to state a non-EU tax in the currency its law wants
    /// ([`Determination::local_currency`]).
    NoStatementRate { tax_name: String, to: domain::money::Currency, from: domain::money::Currency, date: NaiveDate },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |c: &Option<CountryCode>| c.map_or("none".to_string(), |c| c.to_string());
        match self {
            Refusal::LocationDisagrees { billing, card, ip } => write!(
                f,
                "location evidence does not agree (billing {billing}, card {}, IP {}); two of the three must name the same country",
                show(card),
                show(ip)
            ),
            Refusal::NotInOss { country } => write!(
                f,
                "the customer is a consumer in {country}, but the seller is not registered for the Union One-Stop Shop (company.toml seller.eu_oss = false) and cannot charge {country} VAT"
            ),
            Refusal::NoRate { tax_name, jurisdiction, date } => write!(
                f,
                "there is no built-in {tax_name} rate for {jurisdiction} on {date}; the rate table (crates/tax/src/rates.rs) needs an entry"
            ),
            Refusal::NoExchangeRate { base, from, date } => write!(
                f,
                "no {base}/{from} exchange rate on or before {date} in exchange_rates.csv; EU VAT invoiced in {from} must also be stated in {base} (Art. 230 Directive 2006/112/EC)"
            ),
            Refusal::NoStatementRate { tax_name, to, from, date } => write!(
                f,
                "no {to}/{from} exchange rate on or before {date} in exchange_rates.csv; {tax_name} invoiced in {from} must also be stated in {to} (its law asks for the net value and the tax in {to})"
            ),
        }
    }
}

/// Whether `country` is a member state of the European Union, from its entry in [`rates`].
pub fn is_eu(country: CountryCode) -> bool {
    rates::jurisdiction(country.as_str()).is_some_and(|j| j.eu_member)
}

/// Decides the customer's country. A business with a usable tax ID receives the service where
/// it is established (Art. 44 Directive 2006/112/EC; Art. 20–22 Implementing Regulation
/// 282/2011): its billing address, the country its VAT ID is checked against — a card or an IP
/// address elsewhere (an employee abroad, a group's card) does not move it. For everyone
/// else (Art. 24b): the billing country if card or IP confirms it, else card and IP if they
/// agree with each other.
pub fn locate(customer: &Customer, card: Option<CountryCode>, ip: Option<CountryCode>) -> Result<LocationEvidence, Refusal> {
    let billing = customer.address.country;
    let established = customer.kind == CustomerType::Business && customer.usable_tax_id().is_some();
    let decided = if established || card == Some(billing) || ip == Some(billing) {
        Some(billing)
    } else if card.is_some() && card == ip {
        card
    } else {
        None
    };
    match decided {
        Some(customer_country) => Ok(LocationEvidence { billing_country: billing, card_country: card, ip_country: ip, customer_country }),
        None => Err(Refusal::LocationDisagrees { billing, card, ip }),
    }
}

/// Applies the rules to one sale to `customer`, paid by a card from `card` and made from an
/// IP address in `ip`. The error says why the sale cannot be taxed.
pub fn determine(
    company: &Company,
    customer: &Customer,
    card: Option<CountryCode>,
    ip: Option<CountryCode>,
) -> Result<Determination, Refusal> {
    let seller = &company.seller;
    let evidence = locate(customer, card, ip)?;
    // When the address decided the country, its postal code may say more ([`territory`]).
    let by_address = evidence.customer_country == evidence.billing_country;
    // Monaco is taxed as France, the Isle of Man as the UK, Liechtenstein and Büsingen as
    // Switzerland.
    let country = if by_address {
        territory::vat_country_at(evidence.billing_country, &customer.address.postal_code)
    } else {
        territory::vat_country(evidence.customer_country)
    };
    // An address in the Canary Islands, Åland, Svalbard, Christmas Island, ...
    let excluded = by_address.then(|| territory::outside_vat_area(evidence.billing_country, &customer.address.postal_code)).flatten();
    let business_id = match customer.kind {
        CustomerType::Business => customer.usable_tax_id(),
        CustomerType::Individual => None,
    };
    let vat = "VAT".to_string();
    let legend = |code: &'static str, template: LegendKey| vec![LegendSpec { code, template }];
    let (treatment, tax_name, seller_registration, legends) = if excluded.is_some() {
        let key = if customer.kind == CustomerType::Business { LegendKey::OutsideScopeBusiness } else { LegendKey::OutsideScopeConsumer };
        (Treatment::OutsideScope, vat, None, legend("outside_scope", key))
    } else if country == territory::vat_country(seller.address.country) && is_eu(country) {
        (Treatment::Domestic, vat, None, vec![])
    } else if is_eu(country) {
        match business_id {
            Some(_) => (Treatment::ReverseCharge, vat, None, legend("reverse_charge", LegendKey::ReverseCharge)),
            None if seller.eu_oss => (Treatment::Oss, vat, None, legend("oss", LegendKey::Oss)),
            None => return Err(Refusal::NotInOss { country }),
        }
    } else if let Some(reg) = seller.registration_in(country) {
        let facts = rates::jurisdiction(country.as_str()).expect("company.toml accepts registrations only where the jurisdiction has data");
        let tax_name = facts.tax_name_in(&customer.language).to_string();
        match (business_id, facts.business_customers) {
            (Some(_), BusinessCustomers::SelfAccounts { legend: key }) => (Treatment::NonEuReverseCharge, tax_name, None, legend("reverse_charge", key)),
            (Some(_), BusinessCustomers::NotCharged { legend: key }) => {
                let mut legends = legend("outside_scope", LegendKey::OutsideScopeBusiness);
                legends.push(LegendSpec { code: "tax_not_charged", template: key });
                (Treatment::OutsideScope, vat, None, legends)
            }
            (None, _) | (Some(_), BusinessCustomers::Charged) => {
                (Treatment::NonEuTax, tax_name, Some(registration::printed(reg, &customer.language)), legend("tax_registration", LegendKey::TaxRegistration))
            }
        }
    } else if customer.kind == CustomerType::Business {
        (Treatment::OutsideScope, vat, None, legend("outside_scope", LegendKey::OutsideScopeBusiness))
    } else {
        (Treatment::OutsideScope, vat, None, legend("outside_scope", LegendKey::OutsideScopeConsumer))
    };
    Ok(Determination { treatment, jurisdiction: country, tax_name, seller_registration, evidence, legends })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::money::Currency;
    use rates::LocalCurrency::{Declared, Stated};

    fn taxed(treatment: Treatment, country: &str) -> Determination {
        let c = CountryCode::parse(country).unwrap();
        Determination {
            treatment,
            jurisdiction: c,
            tax_name: "tax".into(),
            seller_registration: None,
            evidence: LocationEvidence { billing_country: c, card_country: None, ip_country: None, customer_country: c },
            legends: vec![],
        }
    }

    /// UK VAT is stated in sterling on the document and declared in it; MWST, MVA and GST
    /// are declared in francs, kroner and dollars without a statement on the document; EU
    /// VAT (Art. 230's base currency instead) and an uncharged tax have no local currency.
    #[test]
    fn a_non_eu_tax_charged_has_its_countrys_currency_stated_or_declared() {
        let cur = |code| Currency::parse(code).unwrap();
        let local = |treatment, country| taxed(treatment, country).local_currency();
        assert_eq!(local(Treatment::NonEuTax, "GB"), Some(Stated(cur("GBP"))));
        assert_eq!(local(Treatment::NonEuTax, "CH"), Some(Declared(cur("CHF"))));
        assert_eq!(local(Treatment::NonEuTax, "NO"), Some(Declared(cur("NOK"))));
        assert_eq!(local(Treatment::NonEuTax, "AU"), Some(Declared(cur("AUD"))));
        assert_eq!(local(Treatment::NonEuReverseCharge, "GB"), None);
        assert_eq!(local(Treatment::OutsideScope, "CH"), None);
        assert_eq!(local(Treatment::Domestic, "EE"), None);
        assert_eq!(local(Treatment::Oss, "DE"), None);
    }
}
