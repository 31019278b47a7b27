namespace PartnerWeb.Domain;

/// <summary>Where a partner stands with Stripe payouts, from what its connected account last said.</summary>
public enum StripeAccountState
{
    /// <summary>No connected account yet.</summary>
    None,

    /// <summary>Payouts are not enabled yet: Stripe needs details from the partner (<c>requirements.currently_due</c>) or is checking them.</summary>
    ActionNeeded,

    /// <summary><c>payouts_enabled</c>: transfers can reach the partner.</summary>
    Ready,

    /// <summary>Stripe disabled the account for a reason onboarding again does not fix (rejected, listed, under review, paused by the platform).</summary>
    Disabled,
}

/// <summary>What a Stripe account object (or an <c>account.updated</c> event) says about payouts, as of <paramref name="At"/>, Stripe's time of it.</summary>
public sealed record StripeAccountSnapshot(
    string AccountId, bool PayoutsEnabled, bool ChargesEnabled, bool DetailsSubmitted, IReadOnlyList<string> CurrentlyDue, string? DisabledReason, DateTime At)
{
    /// <summary>The list as the row keeps it: whole items only, as many as the column holds; null when none is due.</summary>
    public string? RequirementsDue
    {
        get
        {
            var kept = new List<string>();
            var length = -1;
            foreach (var item in CurrentlyDue)
            {
                length += item.Length + 1;
                if (length > PartnerStripeAccount.MaxRequirementsLength) break;
                kept.Add(item);
            }
            return kept.Count == 0 ? null : string.Join(',', kept);
        }
    }

    public string? StoredDisabledReason =>
        DisabledReason is { Length: > PartnerStripeAccount.MaxDisabledReasonLength } ? DisabledReason[..PartnerStripeAccount.MaxDisabledReasonLength] : DisabledReason;

    public StripeAccountState State => StripeAccounts.StateOf(PayoutsEnabled, DisabledReason);

    /// <summary>True when the row already says all of this (only the time would move).</summary>
    public bool Matches(PartnerStripeAccount row) =>
        (row.PayoutsEnabled, row.ChargesEnabled, row.DetailsSubmitted, row.RequirementsDue, row.DisabledReason)
        == (PayoutsEnabled, ChargesEnabled, DetailsSubmitted, RequirementsDue, StoredDisabledReason);
}

public static class StripeAccounts
{
    /// <summary>
    /// Ready once payouts are enabled, whatever else is pending. Otherwise a <c>requirements.*</c> reason
    /// (past due, pending verification) or none is the partner's to settle through onboarding (action needed);
    /// any other reason (<c>rejected.*</c>, <c>listed</c>, <c>under_review</c>, <c>platform_paused</c>,
    /// <c>action_required.requested_capabilities</c>, <c>other</c>) is Stripe's or the platform's (disabled).
    /// A new Express account says <c>requirements.past_due</c> until its details are given, so that reason alone
    /// must not read as disabled.
    /// </summary>
    public static StripeAccountState StateOf(PartnerStripeAccount? account) =>
        account is null ? StripeAccountState.None : StateOf(account.PayoutsEnabled, account.DisabledReason);

    public static StripeAccountState StateOf(bool payoutsEnabled, string? disabledReason) =>
        payoutsEnabled ? StripeAccountState.Ready
        : disabledReason is not null && !disabledReason.StartsWith("requirements.", StringComparison.Ordinal) ? StripeAccountState.Disabled
        : StripeAccountState.ActionNeeded;

    /// <summary>The state as the API writes it (<c>action_needed</c>).</summary>
    public static string Name(this StripeAccountState state) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    public static IReadOnlyList<string> Requirements(PartnerStripeAccount? account) =>
        string.IsNullOrEmpty(account?.RequirementsDue) ? [] : account.RequirementsDue.Split(',');

    /// <summary>A partner's first connected account, as Stripe answered its creation.</summary>
    public static PartnerStripeAccount NewRow(Guid partnerId, StripeAccountSnapshot seen, DateTime now) => new()
    {
        PartnerId = partnerId, AccountId = seen.AccountId, PayoutsEnabled = seen.PayoutsEnabled, ChargesEnabled = seen.ChargesEnabled,
        DetailsSubmitted = seen.DetailsSubmitted, RequirementsDue = seen.RequirementsDue, DisabledReason = seen.StoredDisabledReason,
        CreatedAt = now, UpdatedAt = seen.At,
    };
}
