# Creates a one-time at() schedule with ActionAfterCompletion=DELETE, which
# hashicorp/aws 5.x cannot set. Every value comes from the environment
# (CLOUDCRON_SCHEDULE_*), quoted, so nothing in it is read as shell.
set -euo pipefail

args=(scheduler create-schedule
  --region "$CLOUDCRON_SCHEDULE_REGION"
  --name "$CLOUDCRON_SCHEDULE_NAME"
  --group-name "$CLOUDCRON_SCHEDULE_GROUP"
  --schedule-expression "$CLOUDCRON_SCHEDULE_EXPRESSION"
  --schedule-expression-timezone "$CLOUDCRON_SCHEDULE_TIMEZONE"
  --state "$CLOUDCRON_SCHEDULE_STATE"
  --flexible-time-window "$CLOUDCRON_SCHEDULE_WINDOW"
  --target "$CLOUDCRON_SCHEDULE_TARGET"
  --action-after-completion DELETE
  --output text --query ScheduleArn)

# A role created moments ago may not be assumable yet: Scheduler answers
# ValidationException until IAM has propagated it, so retry that, only that.
for attempt in 1 2 3 4 5 6; do
  if err=$(aws "${args[@]}" 2>&1 >/dev/null); then
    echo "cloudcron: created one-time schedule $CLOUDCRON_SCHEDULE_GROUP/$CLOUDCRON_SCHEDULE_NAME (deleted after it runs)"
    exit 0
  fi
  case "$err" in
    *ValidationException*role*) echo "cloudcron: attempt $attempt: $err; retrying" >&2; sleep 5 ;;
    *) echo "cloudcron: creating schedule $CLOUDCRON_SCHEDULE_GROUP/$CLOUDCRON_SCHEDULE_NAME failed: $err" >&2; exit 1 ;;
  esac
done
echo "cloudcron: creating schedule $CLOUDCRON_SCHEDULE_GROUP/$CLOUDCRON_SCHEDULE_NAME failed: $err" >&2
exit 1
