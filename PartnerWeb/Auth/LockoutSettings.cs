using System.ComponentModel.DataAnnotations;

namespace PartnerWeb.Auth;

/// <summary>
/// <c>Auth:Lockout</c>: how failed sign-ins of one email slow down and then lock further attempts. After
/// <see cref="FreeFailures"/> failures each further one makes the email wait <see cref="BaseDelaySeconds"/>,
/// doubling per failure up to <see cref="MaxDelaySeconds"/>; from <see cref="Threshold"/> failures on each
/// one locks it for <see cref="LockoutMinutes"/>. Failures are forgotten <see cref="ResetAfterMinutes"/>
/// after the last one, and by a successful sign-in.
/// </summary>
public sealed class LockoutSettings : IValidatableObject
{
    [Range(0, 100_000)]
    public int FreeFailures { get; set; } = 5;

    [Range(1, 86_400)]
    public int BaseDelaySeconds { get; set; } = 2;

    [Range(1, 86_400)]
    public int MaxDelaySeconds { get; set; } = 60;

    [Range(1, 100_001)]
    public int Threshold { get; set; } = 10;

    [Range(1, 525_600)]
    public int LockoutMinutes { get; set; } = 15;

    [Range(1, 525_600)]
    public int ResetAfterMinutes { get; set; } = 1440;

    public TimeSpan ResetAfter => TimeSpan.FromMinutes(ResetAfterMinutes);

    /// <summary>How long the email waits after its <paramref name="failures"/>-th failure.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        if (failures <= FreeFailures) return TimeSpan.Zero;
        if (failures >= Threshold) return TimeSpan.FromMinutes(LockoutMinutes);
        var doublings = Math.Min(failures - FreeFailures - 1, 20);
        return TimeSpan.FromSeconds(Math.Min(MaxDelaySeconds, (long)BaseDelaySeconds << doublings));
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Threshold <= FreeFailures)
            yield return new ValidationResult("Auth:Lockout:Threshold must be above FreeFailures.", [nameof(Threshold)]);
        if (MaxDelaySeconds < BaseDelaySeconds)
            yield return new ValidationResult("Auth:Lockout:MaxDelaySeconds must be at least BaseDelaySeconds.", [nameof(MaxDelaySeconds)]);
        // Forgetting the failures sooner would end a lockout or a delay early.
        if (ResetAfterMinutes < LockoutMinutes || ResetAfterMinutes * 60L < MaxDelaySeconds)
            yield return new ValidationResult("Auth:Lockout:ResetAfterMinutes must cover LockoutMinutes and MaxDelaySeconds.", [nameof(ResetAfterMinutes)]);
    }
}
