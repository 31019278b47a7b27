using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// Connected accounts and their onboarding links: stripe/openapi's fixtures (fixtures3.json), whole, with the
/// fields a test or a request names set on a copy (the link's development host replaced by Stripe's own).
/// </summary>
public static partial class StripeObjects
{
    private const string AccountFixture = """
        {"business_profile": {"annual_revenue": {"amount": null, "currency": null, "fiscal_year_end": null}, "estimated_worker_count": null, "mcc": null, "name": null, "product_description": null, "support_address": {"city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null}, "support_email": null, "support_phone": null, "support_url": null, "url": null, "minority_owned_business_designation": null}, "business_type": null, "capabilities": {"card_payments": "active", "transfers": "active"}, "charges_enabled": false, "controller": {"type": "account"}, "country": "US", "created": 1234567890, "default_currency": "usd", "details_submitted": false, "email": "site@stripe.com", "external_accounts": {"data": [], "has_more": false, "object": "list", "url": "/v1/accounts/acct_1PgafTB7WZ01zgkW/external_accounts"}, "future_requirements": {"alternatives": [], "current_deadline": null, "currently_due": [], "disabled_reason": null, "errors": [], "eventually_due": [], "past_due": [], "pending_verification": []}, "id": "acct_1PgafTB7WZ01zgkW", "metadata": {}, "object": "account", "payouts_enabled": false, "requirements": {"alternatives": [], "current_deadline": null, "currently_due": ["business_profile.product_description", "business_profile.support_phone", "business_profile.url", "external_account", "tos_acceptance.date", "tos_acceptance.ip"], "disabled_reason": "requirements.past_due", "errors": [], "eventually_due": ["business_profile.product_description", "business_profile.support_phone", "business_profile.url", "external_account", "tos_acceptance.date", "tos_acceptance.ip"], "past_due": [], "pending_verification": []}, "settings": {"bacs_debit_payments": {"display_name": null, "service_user_number": null}, "branding": {"icon": null, "logo": null, "primary_color": null, "secondary_color": null}, "card_issuing": {"tos_acceptance": {"date": null, "ip": null}}, "card_payments": {"decline_on": {"avs_failure": true, "cvc_failure": true}, "statement_descriptor_prefix": null, "statement_descriptor_prefix_kana": null, "statement_descriptor_prefix_kanji": null}, "dashboard": {"display_name": null, "timezone": "Etc/UTC"}, "invoices": {"default_account_tax_ids": null, "hosted_payment_method_save": null}, "payments": {"statement_descriptor": null, "statement_descriptor_kana": null, "statement_descriptor_kanji": null, "statement_descriptor_prefix_kana": null, "statement_descriptor_prefix_kanji": null}, "payouts": {"debit_negative_balances": true, "schedule": {"delay_days": 2, "interval": "daily"}, "statement_descriptor": null}, "sepa_debit_payments": {}}, "tos_acceptance": {"date": null, "ip": null, "user_agent": null}, "type": "standard"}
        """;

    private const string AccountLinkFixture = """
        {"created": 1234567890, "expires_at": 1234567890, "object": "account_link", "url": "https://connect.stripe.com/setup/s/acct_1PgafTB7WZ01zgkW/MerI6itPZo2K"}
        """;

    private const string CapabilityFixture = """
        {"account": "acct_1PgafTB7WZ01zgkW", "future_requirements": {"alternatives": [], "current_deadline": null, "currently_due": [], "disabled_reason": null, "errors": [], "eventually_due": [], "past_due": [], "pending_verification": []}, "id": "card_payments", "object": "capability", "requested": true, "requested_at": 1234567890, "requirements": {"alternatives": [], "current_deadline": null, "currently_due": [], "disabled_reason": null, "errors": [], "eventually_due": [], "past_due": [], "pending_verification": []}, "status": "inactive"}
        """;

    /// <summary>What a new Express account still needs, as Stripe lists it for an individual in the US.</summary>
    public static readonly string[] NewAccountDue = ["external_account", "individual.dob.day", "individual.first_name", "tos_acceptance.date"];

    /// <summary>
    /// An Express account (the controller properties of one, and <c>type</c> express). A new account has payouts
    /// disabled with <c>requirements.past_due</c> until its holder gives the details <paramref name="currentlyDue"/> names.
    /// </summary>
    public static JsonObject Account(
        string id, string country, string email, JsonObject metadata, bool payoutsEnabled = false, IReadOnlyList<string>? currentlyDue = null,
        string? disabledReason = "requirements.past_due", long? created = null)
    {
        var account = From(AccountFixture);
        var due = new JsonArray([.. (currentlyDue ?? NewAccountDue).Select(d => JsonValue.Create(d))]);
        account["id"] = id;
        account["type"] = "express";
        account["controller"] = new JsonObject
        {
            ["fees"] = new JsonObject { ["payer"] = "application" }, ["is_controller"] = true,
            ["losses"] = new JsonObject { ["payments"] = "application" }, ["requirement_collection"] = "stripe",
            ["stripe_dashboard"] = new JsonObject { ["type"] = "express" }, ["type"] = "application",
        };
        account["capabilities"] = new JsonObject { ["transfers"] = payoutsEnabled ? "active" : "inactive" };
        account["country"] = country;
        account["email"] = email;
        account["metadata"] = metadata;
        account["created"] = created ?? Now;
        account["payouts_enabled"] = payoutsEnabled;
        account["details_submitted"] = payoutsEnabled;
        account["external_accounts"]!["url"] = $"/v1/accounts/{id}/external_accounts";
        account["requirements"]!["currently_due"] = due;
        account["requirements"]!["eventually_due"] = due.DeepClone();
        account["requirements"]!["disabled_reason"] = disabledReason;
        return account;
    }

    /// <summary>An onboarding link for the account, valid for five minutes as Stripe's are.</summary>
    public static JsonObject AccountLink(string account)
    {
        var link = From(AccountLinkFixture);
        link["created"] = Now;
        link["expires_at"] = Now + 300;
        link["url"] = $"https://connect.stripe.com/setup/e/{account}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        return link;
    }

    /// <summary>One capability of a connected account (<c>transfers</c>, <c>card_payments</c>).</summary>
    public static JsonObject Capability(string account, string id, string status)
    {
        var capability = From(CapabilityFixture);
        capability["account"] = account;
        capability["id"] = id;
        capability["status"] = status;
        capability["requested_at"] = Now;
        return capability;
    }

    /// <summary>An <c>account.updated</c> as the Connect endpoint receives it: the event names the account in <c>account</c>.</summary>
    public static string AccountUpdated(string eventId, JsonObject account, JsonObject previousAttributes, DateTimeOffset? created = null) =>
        ConnectEvent(eventId, "account.updated", account["id"]!.GetValue<string>(), account, previousAttributes, created);

    /// <summary>A connected account's event: <c>account</c> names the account, <c>previous_attributes</c> what an update changed.</summary>
    public static string ConnectEvent(string eventId, string type, string account, JsonObject dataObject, JsonObject? previousAttributes = null, DateTimeOffset? created = null)
    {
        var stripeEvent = JsonNode.Parse(StripeSigner.Event(eventId, type, dataObject.ToJsonString(), created))!.AsObject();
        stripeEvent["account"] = account;
        if (previousAttributes is not null) stripeEvent["data"]!["previous_attributes"] = previousAttributes;
        return stripeEvent.ToJsonString();
    }

    /// <summary>The <c>metadata[...]</c> fields of a form-encoded request, as the object's metadata.</summary>
    public static JsonObject MetadataFrom(IReadOnlyDictionary<string, string> form)
    {
        var metadata = new JsonObject();
        foreach (var (name, value) in form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)))
            metadata[name["metadata[".Length..^1]] = value;
        return metadata;
    }

    /// <summary>The account a <c>POST /v1/accounts</c> asked for.</summary>
    public static string AccountFor(Dictionary<string, string> form) =>
        Account("acct_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), form["country"], form["email"], MetadataFrom(form)).ToJsonString();

    public static string AccountLinkFor(Dictionary<string, string> form) => AccountLink(form["account"]).ToJsonString();
}
